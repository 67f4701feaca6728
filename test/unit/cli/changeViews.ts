import type { Transition } from "../../../src/domain/change/ChangeRecord.js";
import type { ChangeView } from "../../../src/domain/change/view.js";

/** Realistic change views for the CLI's tests: the gateway's JSON for one AWS change as it moves on. */
export const GROUP = "5f1e2d3c4b5a69788796a5b4";
export const PEER = "5f1e2d3c4b5a69788796a5c1";
export const PCX = "pcx-0a1b2c3d4e5f60718";
export const T0 = Date.parse("2026-11-28T12:00:00.000Z");

/** The ISO time `seconds` after {@link T0}. */
export function at(seconds: number): string {
  return new Date(T0 + seconds * 1000).toISOString();
}

const STEPS: Transition[] = [
  { at: at(0), from: null, to: "RETRYING", note: "received via http" },
  { at: at(1), from: "RETRYING", to: "IN_PROGRESS", atlasStatus: "INITIATING" },
  { at: at(3), from: "IN_PROGRESS", to: "WAITING_FOR_USER", atlasStatus: "PENDING_ACCEPTANCE" },
  { at: at(6), from: "WAITING_FOR_USER", to: "IN_PROGRESS", atlasStatus: "FINALIZING" },
  { at: at(8), from: "IN_PROGRESS", to: "SUCCEEDED", atlasStatus: "AVAILABLE" },
];

/** The change after its first `steps` transitions (2: just sent; 3: waiting for a person; 5: succeeded). */
export function changeAfter(steps: number, overrides: Partial<ChangeView> = {}): ChangeView {
  const history = STEPS.slice(0, steps);
  const last = history.at(-1) as Transition;
  const waiting = last.to === "WAITING_FOR_USER";
  return {
    id: "chg-1",
    state: last.to,
    groupId: GROUP,
    peerId: PEER,
    provider: "AWS",
    apiVersion: "v2",
    callerId: "ci-pipeline",
    channel: "http",
    correlationId: "req-1",
    desired: { routeTableCidrBlock: "10.9.0.0/21" },
    atlas: { status: last.atlasStatus ?? "", connectionId: PCX },
    attempt: steps,
    deadline: at(7 * 24 * 3600),
    createdAt: at(0),
    updatedAt: last.at,
    history,
    ...(waiting ? { nextAction: `Accept VPC peering connection ${PCX} in AWS account 123456789012.` } : {}),
    ...(waiting
      ? { nextActionCommands: [`aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${PCX}`] }
      : {}),
    links: { self: "/v1/peering-changes/chg-1" },
    ...overrides,
  };
}

/** What `POST /v1/peering-changes` answers for `change`. */
export function submitAnswer(change: ChangeView) {
  return { id: change.id, state: change.state, atlas: null, warnings: [], change };
}
