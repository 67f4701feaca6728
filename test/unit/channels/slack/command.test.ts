import { describe, expect, it } from "vitest";
import type { Caller, SlackIdentity } from "../../../../src/access/callers.js";
import {
  ACTION_FIELDS,
  callerForSlack,
  parseAction,
  parseSlashCommand,
  USAGE_TEXT,
} from "../../../../src/channels/slack/command.js";

const G = "5f1e2d3c4b5a69788796a5b4";
const P = "6a0b1c2d3e4f5a6b7c8d9e0f";

describe("parseSlashCommand", () => {
  const full =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&" +
    "channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fatlas-peering&" +
    "text=update+5f1e+6a0b+vnetName%3D%22my+net%22&" +
    "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfm&" +
    "trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

  it("reads every field, decoding + and percent escapes", () => {
    expect(parseSlashCommand(Buffer.from(full))).toEqual({
      teamId: "T1DC2JH3J",
      teamDomain: "testteamnow",
      userId: "U2CERLKJA",
      userName: "roadrunner",
      channelId: "G8PSS9T3V",
      channelName: "foobar",
      command: "/atlas-peering",
      text: 'update 5f1e 6a0b vnetName="my net"',
      responseUrl: "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfm",
      triggerId: "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
    });
  });

  it("leaves absent optional fields out and reads a missing text as empty", () => {
    const body = "team_id=T1&user_id=U1&channel_id=C1&command=%2Fatlas-peering&response_url=https%3A%2F%2Fx";
    const parsed = parseSlashCommand(Buffer.from(body));
    expect(parsed).toEqual({
      teamId: "T1",
      userId: "U1",
      channelId: "C1",
      command: "/atlas-peering",
      text: "",
      responseUrl: "https://x",
    });
    expect(Object.keys(parsed ?? {})).not.toContain("triggerId");
  });

  it.each(["team_id", "user_id", "channel_id", "command", "response_url"])(
    "is undefined without %s",
    (name) => {
      const params = new URLSearchParams(full);
      params.delete(name);
      expect(parseSlashCommand(Buffer.from(params.toString()))).toBeUndefined();
      params.set(name, "");
      expect(parseSlashCommand(Buffer.from(params.toString()))).toBeUndefined();
    },
  );

  it("is undefined for a body that is not a form", () => {
    expect(parseSlashCommand(Buffer.from('{"team_id":"T1"}'))).toBeUndefined();
    expect(parseSlashCommand(Buffer.alloc(0))).toBeUndefined();
  });
});

describe("parseAction", () => {
  it.each([
    ["", { kind: "help" }],
    ["   ", { kind: "help" }],
    ["help", { kind: "help" }],
    ["HELP", { kind: "help" }],
    ["status abc-123", { kind: "status", changeId: "abc-123" }],
    [" Status   abc-123 ", { kind: "status", changeId: "abc-123" }],
    [
      `update ${G} ${P} routeTableCidrBlock=10.15.0.0/24`,
      { kind: "update", groupId: G, peerId: P, fields: { routeTableCidrBlock: "10.15.0.0/24" } },
    ],
    [
      `plan ${G} ${P} providerName=AZURE vnetName=net-1`,
      { kind: "plan", groupId: G, peerId: P, fields: { providerName: "AZURE", vnetName: "net-1" } },
    ],
    [
      `update ${G} ${P} resourceGroupName="my group"  vnetName=v`,
      { kind: "update", groupId: G, peerId: P, fields: { resourceGroupName: "my group", vnetName: "v" } },
    ],
    [
      `update ${G} ${P} resourceGroupName=\u201Cmy group\u201D`,
      { kind: "update", groupId: G, peerId: P, fields: { resourceGroupName: "my group" } },
    ],
    [
      `update ${G} ${P} "networkName=a b" gcpProjectId=\u201Dp-1\u201D`,
      { kind: "update", groupId: G, peerId: P, fields: { networkName: "a b", gcpProjectId: "p-1" } },
    ],
    [
      `update ${G} ${P} vpcId=not-a-vpc accepterRegionName=a=b`,
      { kind: "update", groupId: G, peerId: P, fields: { vpcId: "not-a-vpc", accepterRegionName: "a=b" } },
    ],
  ])("reads %j", (text, expected) => {
    expect(parseAction(text)).toEqual(expected);
  });

  it.each([
    ["help me", "help takes no arguments"],
    ["status", "status takes exactly one change id"],
    ["status a b", "status takes exactly one change id"],
    ["delete x", 'unknown command "delete"; try help'],
    ["update", "update needs a groupId and a peerId before the fields"],
    [`plan ${G}`, "plan needs a groupId and a peerId before the fields"],
    [`update ${G} vpcId=x`, "update needs a groupId and a peerId before the fields"],
    [`update ${G} ${P}`, "update needs at least one field=value"],
    [`plan ${G} ${P} vpcId`, 'expected field=value, got "vpcId"'],
    [`update ${G} ${P} vpcId=x extra`, 'expected field=value, got "extra"'],
    [`update ${G} ${P} id=x`, 'unknown field "id"'],
    [`update ${G} ${P} statusName=AVAILABLE`, 'unknown field "statusName"'],
    [`update ${G} ${P} vpcid=x`, 'unknown field "vpcid" (did you mean vpcId?)'],
    [`update ${G} ${P} __proto__=x`, 'unknown field "__proto__"'],
    [`update ${G} ${P} vpcId=a vpcId=b`, "vpcId is given more than once"],
    [`update ${G} ${P} vpcId=`, "vpcId has no value"],
    [`update ${G} ${P} vpcId=""`, "vpcId has no value"],
    [`update ${G} ${P} vnetName="open`, "a quote is not closed"],
  ])("refuses %j", (text, problem) => {
    expect(parseAction(text)).toEqual({ kind: "usage", problem });
  });

  it("keeps problems on one short line", () => {
    const action = parseAction(`update ${G} ${P} ${"x".repeat(500)}`);
    expect(action.kind).toBe("usage");
    if (action.kind !== "usage") return;
    expect(action.problem).not.toContain("\n");
    expect(action.problem.length).toBeLessThan(80);
  });

  it("accepts every documented field", () => {
    for (const field of ACTION_FIELDS) {
      expect(parseAction(`plan ${G} ${P} ${field}=v`)).toMatchObject({
        kind: "plan",
        fields: { [field]: "v" },
      });
    }
    expect(ACTION_FIELDS).toHaveLength(12);
  });
});

describe("USAGE_TEXT", () => {
  it("names the command and every verb", () => {
    for (const word of ["/atlas-peering", "help", "status", "plan", "update", "routeTableCidrBlock"]) {
      expect(USAGE_TEXT).toContain(word);
    }
  });
});

describe("callerForSlack", () => {
  function caller(id: string, slack?: SlackIdentity[]): Caller {
    return {
      id,
      tokenSha256: [],
      signingSecrets: [],
      projects: [{ groupId: "*" }],
      ...(slack ? { identities: { slack } } : {}),
    };
  }
  const callers = [
    caller("no-slack"),
    caller("workspace", [{ teamId: "TWHOLE" }]),
    caller("ops-channel", [{ teamId: "T1", channelIds: ["COPS"] }]),
    caller("alice", [{ teamId: "T1", userIds: ["UALICE"] }]),
    caller("either", [{ teamId: "T2", userIds: ["UBOB"], channelIds: ["CNET"] }]),
    caller("nobody", [{ teamId: "T3", userIds: [] }]),
  ];
  const find = (teamId: string, userId: string, channelId: string) =>
    callerForSlack(callers, { teamId, userId, channelId })?.id;

  it.each([
    ["TWHOLE", "UANY", "CANY", "workspace"],
    ["T1", "UALICE", "CANY", "alice"],
    ["T1", "UANY", "COPS", "ops-channel"],
    ["T1", "UALICE", "COPS", "alice"],
    ["T1", "UANY", "CANY", undefined],
    ["T2", "UBOB", "CANY", "either"],
    ["T2", "UANY", "CNET", "either"],
    ["T2", "UANY", "CANY", undefined],
    ["T9", "UALICE", "COPS", undefined],
    ["T3", "UANY", "CANY", undefined],
  ])("team %s, user %s, channel %s → %s", (teamId, userId, channelId, expected) => {
    expect(find(teamId, userId, channelId)).toBe(expected);
  });

  it("does not match a user listed in another workspace", () => {
    expect(find("TWHOLE", "UALICE", "COPS")).toBe("workspace");
    expect(find("T2", "UALICE", "COPS")).toBeUndefined();
  });

  it("prefers the most specific match, then registry order", () => {
    const ordered = [
      caller("team-wide", [{ teamId: "T1" }]),
      caller("channel", [{ teamId: "T1", channelIds: ["C1"] }]),
      caller("user", [{ teamId: "T1", userIds: ["U1"] }]),
      caller("user-again", [{ teamId: "T1", userIds: ["U1"] }]),
    ];
    expect(callerForSlack(ordered, { teamId: "T1", userId: "U1", channelId: "C1" })?.id).toBe("user");
    expect(callerForSlack(ordered, { teamId: "T1", userId: "U2", channelId: "C1" })?.id).toBe("channel");
    expect(callerForSlack(ordered, { teamId: "T1", userId: "U2", channelId: "C2" })?.id).toBe("team-wide");
    expect(callerForSlack([], { teamId: "T1", userId: "U1", channelId: "C1" })).toBeUndefined();
  });
});
