import { describe, expect, it } from "vitest";
import { parseCallerRegistry } from "../../../src/access/callers.js";
import { callerForEvent } from "../../../src/channels/eventbridge/requestedEvent.js";
import { callerForSlack } from "../../../src/channels/slack/command.js";

const ACCOUNT = "123456789012";
const base = (id: string) => ({ id, projects: [{ groupId: "*" }] });

/** The same callers, written with the old top-level keys and with `identities`. */
const OLD = {
  callers: [
    base("http-only"),
    { ...base("alice"), slack: [{ teamId: "T01", userIds: ["UALICE"] }] },
    { ...base("ops"), slack: [{ teamId: "T01", channelIds: ["COPS"] }, { teamId: "T02" }] },
    { ...base("pipeline"), eventSources: [{ source: "com.example.ci", account: ACCOUNT }] },
    {
      ...base("both"),
      slack: [{ teamId: "T03" }],
      eventSources: [{ source: "com.example.anywhere" }],
    },
    { ...base("empty"), slack: [], eventSources: [] },
  ],
};
const NEW = {
  callers: [
    base("http-only"),
    { ...base("alice"), identities: { slack: [{ teamId: "T01", userIds: ["UALICE"] }] } },
    { ...base("ops"), identities: { slack: [{ teamId: "T01", channelIds: ["COPS"] }, { teamId: "T02" }] } },
    {
      ...base("pipeline"),
      identities: { eventbridge: [{ source: "com.example.ci", account: ACCOUNT }] },
    },
    {
      ...base("both"),
      identities: { slack: [{ teamId: "T03" }], eventbridge: [{ source: "com.example.anywhere" }] },
    },
    { ...base("empty"), identities: { slack: [], eventbridge: [] } },
  ],
};

const slackCases = [
  ["T01", "UALICE", "CANY", "alice"],
  ["T01", "UALICE", "COPS", "alice"],
  ["T01", "UBOB", "COPS", "ops"],
  ["T01", "UBOB", "CANY", undefined],
  ["T02", "UANY", "CANY", "ops"],
  ["T03", "UANY", "CANY", "both"],
  ["T09", "UALICE", "COPS", undefined],
] as const;
const eventCases = [
  ["com.example.ci", ACCOUNT, "pipeline"],
  ["com.example.ci", "999999999999", undefined],
  ["com.example.anywhere", "999999999999", "both"],
  ["com.example.unknown", ACCOUNT, undefined],
] as const;

describe("caller identities keyed by channel", () => {
  const registries = [
    ["the old top-level keys", OLD],
    ["identities", NEW],
  ] as const;

  it("parses the old keys into exactly the callers `identities` gives, and keeps only `identities`", () => {
    const old = parseCallerRegistry(OLD, "old");
    expect(old).toEqual(parseCallerRegistry(NEW, "new"));
    for (const caller of old.callers) {
      expect(caller).not.toHaveProperty("slack");
      expect(caller).not.toHaveProperty("eventSources");
    }
    expect(old.callers[0]).not.toHaveProperty("identities");
    expect(old.callers[3]?.identities).toEqual({
      eventbridge: [{ source: "com.example.ci", account: ACCOUNT }],
    });
    expect(old.callers[5]?.identities).toEqual({ slack: [], eventbridge: [] });
  });

  describe.each(registries)("written with %s", (_, registry) => {
    const { callers } = parseCallerRegistry(registry, "test");

    it.each(slackCases)("Slack team %s, user %s, channel %s → %s", (teamId, userId, channelId, expected) => {
      expect(callerForSlack(callers, { teamId, userId, channelId })?.id).toBe(expected);
    });

    it.each(eventCases)("EventBridge source %s from %s → %s", (source, account, expected) => {
      expect(callerForEvent(callers, source, account)?.id).toBe(expected);
    });
  });

  it("merges the old key and `identities.<channel>` when a caller gives both", () => {
    const { callers } = parseCallerRegistry(
      {
        callers: [
          {
            ...base("mixed"),
            slack: [{ teamId: "TOLD" }],
            eventSources: [{ source: "com.example.old" }],
            identities: { slack: [{ teamId: "TNEW" }], eventbridge: [{ source: "com.example.new" }] },
          },
        ],
      },
      "test",
    );
    expect(callers[0]?.identities).toEqual({
      slack: [{ teamId: "TNEW" }, { teamId: "TOLD" }],
      eventbridge: [{ source: "com.example.new" }, { source: "com.example.old" }],
    });
    for (const teamId of ["TOLD", "TNEW"]) {
      expect(callerForSlack(callers, { teamId, userId: "U1", channelId: "C1" })?.id).toBe("mixed");
    }
    for (const source of ["com.example.old", "com.example.new"]) {
      expect(callerForEvent(callers, source, ACCOUNT)?.id).toBe("mixed");
    }
  });

  it("refuses an unknown channel under `identities`, naming it and the channels there are", () => {
    const teams = { callers: [{ ...base("a"), identities: { teams: [{ tenantId: "x" }] } }] };
    expect(() => parseCallerRegistry(teams, "file callers.json")).toThrow(
      "The callers registry in file callers.json is not valid: callers.0.identities.teams: not a channel with caller identities (slack, eventbridge)",
    );
  });

  it("refuses `http` under `identities`: HTTP callers authenticate with tokens or signatures", () => {
    const http = { callers: [{ ...base("a"), identities: { http: [] } }] };
    expect(() => parseCallerRegistry(http, "test")).toThrow(
      /callers\.0\.identities\.http: http callers authenticate with tokenSha256 or signingSecrets/,
    );
  });

  it("validates identities under `identities` as strictly as under the old keys", () => {
    const bad = (identities: unknown) => ({ callers: [{ ...base("a"), identities }] });
    expect(() => parseCallerRegistry(bad({ slack: [{ teamId: "nope" }] }), "test")).toThrow(
      /callers\.0\.identities\.slack\.0\.teamId: must be a Slack team id/,
    );
    expect(() => parseCallerRegistry(bad({ eventbridge: [{ source: "s", account: "1" }] }), "test")).toThrow(
      /callers\.0\.identities\.eventbridge\.0\.account: must be a 12-digit AWS account id/,
    );
    expect(() => parseCallerRegistry(bad({ slack: [{ teamId: "T01", users: [] }] }), "test")).toThrow(
      /callers\.0\.identities\.slack\.0\.users: unknown key/,
    );
  });
});
