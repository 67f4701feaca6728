import { describe, expect, it } from "vitest";
import {
  changeMessage,
  escapeMrkdwn,
  planMessage,
  refusalMessage,
  type SlackMessage,
  usageMessage,
} from "../../../../src/channels/slack/messages.js";
import type { ChangeView } from "../../../../src/domain/change/view.js";

const G = "5f1e2d3c4b5a69788796a5b4";
const P = "6a0b1c2d3e4f5a6b7c8d9e0f";

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: Array<{ type: string; text: string }>;
  elements?: Array<{ type: string; text: string }>;
}

function blocksOf(message: SlackMessage): Block[] {
  return message.blocks as Block[];
}

/** Every piece of text Slack would render, fallback included. */
function allText(message: SlackMessage): string {
  const parts = [message.text];
  for (const block of blocksOf(message)) {
    if (block.text) parts.push(block.text.text);
    for (const item of [...(block.fields ?? []), ...(block.elements ?? [])]) parts.push(item.text);
  }
  return parts.join("\n");
}

function view(overrides: Partial<ChangeView> = {}): ChangeView {
  return {
    id: "0b5c1f9e-2d4a-4c8b-9e7f-3a6d1c2b4e5f",
    state: "WAITING_FOR_USER",
    correlationId: "req-1",
    groupId: G,
    peerId: P,
    provider: "AWS",
    apiVersion: "v2",
    callerId: "chatops",
    channel: "slack",
    desired: { routeTableCidrBlock: "10.15.0.0/24" },
    atlas: { status: "PENDING_ACCEPTANCE", connectionId: "pcx-0123" },
    attempt: 2,
    deadline: "2026-01-08T00:00:00.000Z",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:01:00.000Z",
    history: [],
    links: { self: "/v1/peering-changes/0b5c1f9e-2d4a-4c8b-9e7f-3a6d1c2b4e5f" },
    ...overrides,
  };
}

describe("escapeMrkdwn", () => {
  it("escapes &, < and > (ampersand first, so nothing is escaped twice)", () => {
    expect(escapeMrkdwn("<!channel> & <@U1|bob> &amp;")).toBe(
      "&lt;!channel&gt; &amp; &lt;@U1|bob&gt; &amp;amp;",
    );
  });
});

describe("usageMessage", () => {
  it("is ephemeral help mentioning the command", () => {
    const message = usageMessage();
    expect(message.response_type).toBe("ephemeral");
    expect(blocksOf(message)).toHaveLength(1);
    expect(blocksOf(message)[0]?.text?.text).toContain("/atlas-peering");
    expect(message.text).toContain("/atlas-peering");
  });

  it("puts the escaped problem first", () => {
    const message = usageMessage('unknown field "<!here>"');
    const [problem, help] = blocksOf(message);
    expect(problem).toMatchObject({ type: "section", text: { type: "mrkdwn" } });
    expect(problem?.text?.text).toContain('unknown field "&lt;!here&gt;"');
    expect(help?.text?.text).toContain("/atlas-peering");
    expect(allText(message)).not.toContain("<!here>");
  });
});

describe("refusalMessage", () => {
  it("is a polite, ephemeral, escaped refusal", () => {
    const message = refusalMessage("Slack user <@U1> may not change project & peer");
    expect(message.response_type).toBe("ephemeral");
    expect(message.text).toBe("Slack user &lt;@U1&gt; may not change project &amp; peer");
    expect(blocksOf(message)[1]?.elements?.[0]?.text).toContain("please ask");
    expect(allText(message)).toContain("&lt;@U1&gt; may not change project &amp; peer");
    expect(allText(message)).not.toContain("<@U1>");
    expect(blocksOf(message).map((b) => b.type)).toEqual(["section", "context"]);
  });
});

describe("changeMessage", () => {
  it("shows the headline, the four fields, the next step and who asked", () => {
    const message = changeMessage(
      view({ nextAction: "Accept VPC peering connection pcx-0123", reason: "ticket NET-42" }),
      "Waiting for you",
    );
    const [headline, fields, next, context] = blocksOf(message);
    expect(message.response_type).toBe("in_channel");
    expect(headline?.text?.text).toBe("*Waiting for you*");
    expect(fields?.fields?.map((f) => f.text.split("\n")[0])).toEqual([
      "*State*",
      "*Atlas status*",
      "*Change id*",
      "*Peer*",
    ]);
    expect(fields?.fields?.[0]?.text).toContain("WAITING_FOR_USER");
    expect(fields?.fields?.[1]?.text).toContain("PENDING_ACCEPTANCE");
    expect(fields?.fields?.[2]?.text).toContain("0b5c1f9e-2d4a-4c8b-9e7f-3a6d1c2b4e5f");
    expect(fields?.fields?.[3]?.text).toContain(P);
    expect(fields?.fields?.[3]?.text).toContain(G);
    expect(next?.text?.text).toContain("Accept VPC peering connection pcx-0123");
    expect(context?.type).toBe("context");
    expect(context?.elements?.[0]?.text).toContain("chatops");
    expect(context?.elements?.[0]?.text).toContain("ticket NET-42");
    expect(message.text).toContain("Waiting for you");
    expect(message.text).toContain("WAITING_FOR_USER");
  });

  it("leaves out the next step when there is none, and says when Atlas's status is not known", () => {
    const message = changeMessage(view({ state: "RETRYING", atlas: {} }), "Retrying");
    expect(blocksOf(message).map((b) => b.type)).toEqual(["section", "section", "context"]);
    expect(blocksOf(message)[1]?.fields?.[1]?.text).toContain("not known yet");
  });

  it("shows Atlas's error field and refusal", () => {
    const message = changeMessage(
      view({
        state: "REJECTED",
        atlas: { status: "FAILED", error: "REJECTED", errorCode: "INVALID_ATTRIBUTE", detail: "Bad <vpcId>" },
      }),
      "Atlas refused the change",
    );
    expect(allText(message)).toContain("FAILED (REJECTED)");
    expect(allText(message)).toContain("INVALID_ATTRIBUTE: Bad &lt;vpcId&gt;");
  });

  it("escapes everything that came from users or Atlas", () => {
    const message = changeMessage(
      view({
        reason: "<!channel> please & thanks",
        nextAction: "Accept <https://evil.example|this>",
        atlas: { status: "<weird>" },
      }),
      "Head <@U1>",
    );
    const text = allText(message);
    for (const raw of ["<!channel>", "<https://evil", "<weird>", "<@U1>", " & "])
      expect(text).not.toContain(raw);
    expect(text).toContain("&lt;!channel&gt; please &amp; thanks");
    expect(message.text).toContain("Head &lt;@U1&gt;");
  });

  it("keeps a section within Slack's 3000-character limit without cutting an entity", () => {
    const message = changeMessage(view({ nextAction: "<".repeat(2000) }), "Long");
    const next = blocksOf(message)[2]?.text?.text ?? "";
    expect(next.length).toBeLessThanOrEqual(3000);
    expect(next).toMatch(/(&lt;)+…$/);
  });
});

describe("planMessage", () => {
  const target = { groupId: G, peerId: P };

  it("lists each field as current → desired, and warnings", () => {
    const message = planMessage(
      {
        diff: [
          { field: "routeTableCidrBlock", current: "10.0.0.0/24", desired: "10.15.0.0/24" },
          { field: "vpcId", current: null, desired: "vpc-0123456789abcdef0" },
        ],
        noop: false,
        warnings: ["This re-creates the peering & <drops> traffic"],
      },
      target,
    );
    expect(message.response_type).toBe("ephemeral");
    const [head, diff, warnings, context] = blocksOf(message);
    expect(head?.text?.text).toContain(P);
    expect(head?.text?.text).toContain(G);
    expect(diff?.text?.text.split("\n")).toEqual([
      "• *routeTableCidrBlock*: 10.0.0.0/24 → 10.15.0.0/24",
      "• *vpcId*: (not set) → vpc-0123456789abcdef0",
    ]);
    expect(warnings?.text?.text).toBe("⚠️ This re-creates the peering &amp; &lt;drops&gt; traffic");
    expect(context?.type).toBe("context");
    expect(message.text).toContain("2 field(s) would change");
  });

  it("says so when nothing would change, without a warnings block when there are none", () => {
    const message = planMessage({ diff: [], noop: true, warnings: [] }, target);
    expect(blocksOf(message)[1]?.text?.text).toBe("No change: the peer already has these settings.");
    expect(blocksOf(message).map((b) => b.type)).toEqual(["section", "section", "context"]);
    expect(message.text).toContain("no change");
  });

  it("escapes values and ids", () => {
    const message = planMessage(
      { diff: [{ field: "vnetName", current: "<a>", desired: "b&c" }], noop: false, warnings: [] },
      { groupId: "<!here>", peerId: P },
    );
    expect(allText(message)).toContain("&lt;a&gt; → b&amp;c");
    expect(allText(message)).not.toContain("<!here>");
  });
});
