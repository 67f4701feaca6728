import { describe, expect, it } from "vitest";
import { changeMessage } from "../../../../src/channels/slack/messages.js";
import type { ChangeView } from "../../../../src/domain/change/view.js";

const PCX = "pcx-0a1b2c3d4e5f60718";
const COMMANDS = [
  `aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${PCX} --region us-east-1`,
  "aws ec2 create-route --route-table-id <your route table> --destination-cidr-block 192.168.248.0/21 " +
    `--vpc-peering-connection-id ${PCX} --region us-east-1`,
];
const FIX = "The VPC peering request was rejected on the AWS side; send the change again.";

function view(overrides: Partial<ChangeView> = {}): ChangeView {
  return {
    id: "chg-1",
    state: "WAITING_FOR_USER",
    correlationId: "req-1",
    groupId: "5f1e2d3c4b5a69788796a5b4",
    peerId: "5f1e2d3c4b5a69788796a5c1",
    provider: "AWS",
    apiVersion: "v1.0",
    callerId: "ci-pipeline",
    channel: "http",
    desired: {},
    atlas: { status: "PENDING_ACCEPTANCE", connectionId: PCX },
    attempt: 2,
    deadline: "2026-12-05T12:00:00.000Z",
    createdAt: "2026-11-28T12:00:00.000Z",
    updatedAt: "2026-11-28T12:01:00.000Z",
    history: [],
    nextAction: `Accept VPC peering connection ${PCX} in AWS account 123456789012, region us-east-1.`,
    nextActionCommands: COMMANDS,
    links: { self: "/v1/peering-changes/chg-1" },
    ...overrides,
  };
}

const sections = (v: ChangeView) =>
  (changeMessage(v, "Waiting").blocks as Array<{ text?: { text: string } }>).map((b) => b.text?.text ?? "");

describe("Slack: the next action's commands and the remediation", () => {
  it("puts the commands in one code block, escaped so a placeholder pings nobody", () => {
    const block = sections(view()).find((text) => text.startsWith("```"));
    expect(block).toBe(`\`\`\`${COMMANDS.join("\n").replaceAll("<", "&lt;").replaceAll(">", "&gt;")}\`\`\``);
  });

  it("shows what to do about a failure, and no commands block without commands", () => {
    const failed = view({ state: "FAILED", remediation: FIX });
    delete failed.nextAction;
    delete failed.nextActionCommands;
    const texts = sections(failed);
    expect(texts).toContain(`*What to do:* ${FIX}`);
    expect(texts.some((text) => text.startsWith("```"))).toBe(false);
  });
});
