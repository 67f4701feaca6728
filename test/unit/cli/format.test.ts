import { describe, expect, it } from "vitest";
import { formatChange } from "../../../cli/format.js";
import { ChangeTimelinePrinter, LiveLine } from "../../../cli/live.js";
import type { ChangeView } from "../../../src/domain/change/view.js";

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

describe("CLI: the next action's commands and the remediation", () => {
  it("prints each command on its own line under `run`, after the next step", () => {
    const lines = formatChange(view()).split("\n");
    const next = lines.findIndex((line) => line.startsWith("  next "));
    expect(lines.slice(next + 1, next + 3)).toEqual([
      `  run      ${COMMANDS[0]}`,
      `           ${COMMANDS[1]}`,
    ]);
  });

  it("prints the remediation of a failed change as `fix`", () => {
    expect(formatChange(view({ state: "FAILED", remediation: FIX }))).toContain(`  fix      ${FIX}\n`);
  });

  it("shows the commands below the action when a followed change starts waiting", () => {
    let stderr = "";
    const printer = new ChangeTimelinePrinter(
      new LiveLine({ stdout: () => {}, stderr: (s: string) => (stderr += s), isTTY: false }),
    );
    const entered = {
      at: "2026-11-28T12:00:30.000Z",
      from: "IN_PROGRESS" as const,
      to: "WAITING_FOR_USER" as const,
    };
    printer.show(view({ state: "IN_PROGRESS" }), 0);
    printer.show(view({ history: [entered] }), 1_000);
    printer.show(view({ history: [entered], attempt: 3 }), 2_000);
    expect(stderr).toContain(
      `         Action needed: ${view().nextAction}\n           ${COMMANDS[0]}\n           ${COMMANDS[1]}\n`,
    );
    expect(stderr.split("Action needed")).toHaveLength(2);
  });
});
