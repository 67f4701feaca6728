import { describe, expect, it } from "vitest";
import type { InventoryAnswer } from "../../../../src/channels/common/inventoryAnswer.js";
import { parseAction } from "../../../../src/channels/slack/command.js";
import { peeringsMessage } from "../../../../src/channels/slack/messages.js";
import type { InventoryItem } from "../../../../src/domain/change/inventory.js";

const GROUP = "5f1e2d3c4b5a69788796a5b4";

const item = (n: number, extra: Partial<InventoryItem> = {}): InventoryItem => {
  const peerId = n.toString(16).padStart(24, "0");
  return {
    provider: "AWS",
    peerId,
    importId: `${GROUP}-${peerId}-AWS`,
    atlas: { status: "AVAILABLE", connectionId: `pcx-${peerId.slice(-17)}` },
    settings: { vpcId: "vpc-0123456789abcdef0", routeTableCidrBlock: "10.8.0.0/21" },
    ...extra,
  };
};
const text = (message: { text: string; blocks: unknown[] }) =>
  `${message.text}\n${JSON.stringify(message.blocks)}`;

describe("/atlas-peering peers", () => {
  it("takes a project id and, optionally, one id to find", () => {
    expect(parseAction(`peers ${GROUP}`)).toEqual({ kind: "peers", groupId: GROUP });
    expect(parseAction(`PEERS ${GROUP} pcx-0a1b`)).toEqual({ kind: "peers", groupId: GROUP, q: "pcx-0a1b" });
    expect(parseAction("peers")).toEqual({ kind: "usage", problem: expect.stringContaining("groupId") });
    expect(parseAction(`peers ${GROUP} a b`).kind).toBe("usage");
  });

  it("shows each peering in a few lines: status, network, last change, next step, import id", () => {
    const answer: InventoryAnswer = {
      groupId: GROUP,
      items: [
        item(1, {
          lastChange: {
            id: "chg-1",
            state: "WAITING_FOR_USER",
            requestedAt: "2026-12-01T10:00:00.000Z",
            updatedAt: "2026-12-01T10:05:00.000Z",
            callerId: "alice",
            channel: "slack",
            links: { self: "/v1/peering-changes/chg-1" },
          },
          nextAction: "Accept VPC peering connection <pcx-1> & add a route",
        }),
      ],
    };
    const message = peeringsMessage(answer, undefined);
    expect(message.response_type).toBe("ephemeral");
    const shown = text(message);
    expect(shown).toContain(`Peerings of project ${GROUP}*: 1 peering(s)`);
    expect(shown).toContain("vpc-0123456789abcdef0 · 10.8.0.0/21 · pcx-");
    expect(shown).toContain("Last change `chg-1` WAITING_FOR_USER by alice, 2026-12-01T10:05:00.000Z");
    // Escaped: text from Atlas or a store can never ping a channel or make a link.
    expect(shown).toContain("Accept VPC peering connection &lt;pcx-1&gt; &amp; add a route");
    expect(shown).toContain(`Terraform import id: \`${GROUP}-${item(1).peerId}-AWS\``);
  });

  it("stays within Slack's block limit, says where the rest is, and names providers it could not read", () => {
    const answer: InventoryAnswer = {
      groupId: GROUP,
      items: Array.from({ length: 40 }, (_, n) => item(n + 1)),
      errors: [{ provider: "GCP", status: 504, code: "atlas-unreachable", detail: "Retry later." }],
    };
    const message = peeringsMessage(answer, undefined);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const shown = text(message);
    expect(shown).toContain("Showing 15 of 40; the whole list: peering-gateway peers list --group");
    expect(shown).toContain("GCP peerings could not be read (504 atlas-unreachable): Retry later.");
  });

  it("says so when nothing matches the id asked for", () => {
    const message = peeringsMessage({ groupId: GROUP, items: [] }, "pcx-none");
    expect(message.text).toBe(`Peerings of project ${GROUP} matching "pcx-none": 0 peering(s)`);
    const shown = text(message);
    expect(shown).toContain("No peering has an id containing that.");
  });
});
