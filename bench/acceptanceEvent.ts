import type { ChangeRecord } from "../src/domain/change/ChangeRecord.js";
import type { CadencePolicy } from "../src/domain/change/cadence.js";
import { type AtlasOutcome, applyOutcome } from "../src/domain/change/lifecycle.js";
import { newChange } from "../src/domain/change/newChange.js";
import { isTerminal } from "../src/domain/peering/status.js";
import { PRODUCTION_CADENCE } from "./atlasCalls.js";
import { type Figure, figure } from "./report.js";

/**
 * §5 (source, simulated clock): a 1 h human wait on an AWS request in an account whose peering calls reach the
 * gateway as events (PEER_EVENT_ACCOUNTS), with the person's AcceptVpcPeeringConnection delivered (one
 * immediate re-check GET, noticePeerSideCall.ts) and lost (the schedule alone finds it); and the manual steps
 * an AWS change needs. Beside Terraform's 10 s and the Atlas CLI's 4 s polls.
 */

const SECOND = 1_000;
const HOUR = 3_600 * SECOND;
const ACCOUNT = "111122223333";
const WORK_MS = 30 * SECOND;
const WAIT_MS = HOUR;
/** CloudTrail → EventBridge → the events function: assumed a few seconds (not measured here). */
export const EVENT_DELIVERY_MS = 5 * SECOND;

/** The production cadence with the account covered: serverless.yml's default RECHECK_EVENT_COVERED_WAIT_MAX_SECONDS. */
export const COVERED_CADENCE: CadencePolicy = {
  ...PRODUCTION_CADENCE,
  eventCovered: { accountIds: [ACCOUNT], waitMaxMs: 1_800 * SECOND },
};

const settledAt = WORK_MS + WAIT_MS;
const statusAt = (t: number) =>
  t < WORK_MS ? "INITIATING" : t < settledAt ? "PENDING_ACCEPTANCE" : "AVAILABLE";
const seen = (t: number): AtlasOutcome => ({ kind: "peer", httpStatus: 200, peer: { status: statusAt(t) } });

function benchChange(policy: CadencePolicy): ChangeRecord {
  const desired = { providerName: "AWS", awsAccountId: ACCOUNT, routeTableCidrBlock: "10.9.0.0/21" };
  return newChange(
    {
      id: "bench-event-wait1h",
      callerId: "bench",
      channel: "http",
      operation: "update",
      groupId: "5f1e2d3c4b5a69788796a5b4",
      peerId: "5f1e2d3c4b5a69788796a5c1",
      provider: "AWS",
      apiVersion: "v2",
      query: {},
      desired: JSON.stringify(desired),
    },
    0,
    policy,
    0,
  );
}

interface Followed {
  gets: number;
  eventGets: number;
  detectionDelayMs: number;
  /** The longest gap between looks once Atlas stopped working: the worst detection delay for any accept time. */
  worstDetectionDelayMs: number;
}

/** The PATCH at 0, each scheduled re-check at nextCheckAt, and (if `eventAt`) the event's re-check then. */
function follow(policy: CadencePolicy, eventAt?: number): Followed {
  let change = applyOutcome(benchChange(policy), seen(0), 0, policy);
  const looks: number[] = [0];
  let eventGets = 0;
  while (!isTerminal(change.state)) {
    const scheduled = change.nextCheckAt;
    if (scheduled === undefined) throw new Error(`a change in ${change.state} has no next check`);
    const byEvent = eventAt !== undefined && eventGets === 0 && eventAt < scheduled;
    const at = byEvent ? eventAt : scheduled;
    if (byEvent) eventGets++;
    looks.push(at);
    change = applyOutcome(change, seen(at), at, policy);
  }
  if (change.state !== "SUCCEEDED") throw new Error(`the 1 h wait ended ${change.state}`);
  const gaps = looks.slice(1).map((t, i) => t - (looks[i] ?? 0));
  return {
    gets: looks.length - 1,
    eventGets,
    detectionDelayMs: change.updatedAt - settledAt,
    worstDetectionDelayMs: Math.max(...gaps.filter((_, i) => (looks[i + 1] ?? 0) > WORK_MS)),
  };
}

/** A client polling every `intervalMs` until it sees AVAILABLE (as atlasCalls.ts models it). */
function fixedPoll(intervalMs: number) {
  const polls = Math.ceil(settledAt / intervalMs);
  return { gets: polls, detectionDelayMs: polls * intervalMs - settledAt };
}

export interface AcceptanceEventResult {
  figures: Figure[];
  details: Record<string, unknown>;
}

export function benchAcceptanceEvent(): AcceptanceEventResult {
  const withEvent = follow(COVERED_CADENCE, settledAt + EVENT_DELIVERY_MS);
  const eventLost = follow(COVERED_CADENCE);
  const today = follow(PRODUCTION_CADENCE);
  const terraform = fixedPoll(10 * SECOND);
  const cli = fixedPoll(4 * SECOND);
  const label = "30 s work, 1 h PENDING_ACCEPTANCE, account in PEER_EVENT_ACCOUNTS";
  const rows = (id: string, what: string, f: Followed, event: boolean): Figure[] => [
    figure({
      id: `acceptanceEvent.gets.${id}.vsTerraform`,
      label: `GETs until settled: ${label}, ${what}`,
      unit: "GETs",
      gateway: f.gets,
      baseline: terraform.gets,
      baselineLabel: "10 s poll (TF, operator)",
      ...(event ? { goal: { on: "value", max: 8, text: "≤ 8" } as const } : {}),
    }),
    figure({
      id: `acceptanceEvent.gets.${id}.vsCli`,
      label: `GETs until settled: ${label}, ${what}`,
      unit: "GETs",
      gateway: f.gets,
      baseline: cli.gets,
      baselineLabel: "4 s poll (Atlas CLI)",
    }),
    // With the event the accept is seen when it arrives; without it, up to the longest gap after it.
    figure({
      id: `acceptanceEvent.detection.${id}`,
      label: `${event ? "detection delay" : "worst detection delay (any accept time)"}: ${label}, ${what}`,
      unit: "s",
      gateway: (event ? f.detectionDelayMs : f.worstDetectionDelayMs) / SECOND,
      baseline: 10,
      baselineLabel: "10 s poll (worst case)",
      goal: event ? { on: "value", max: 30, text: "≤ 30 s" } : { on: "value", max: 1_800, text: "≤ 1800 s" },
    }),
  ];
  return {
    figures: [
      ...rows("withEvent", `accept event delivered after ${EVENT_DELIVERY_MS / SECOND} s`, withEvent, true),
      ...rows("eventLost", "event lost (the schedule alone)", eventLost, false),
      manualSteps(),
    ],
    details: {
      method: METHOD,
      eventDeliverySeconds: EVENT_DELIVERY_MS / SECOND,
      coveredWaitMaxSeconds: (COVERED_CADENCE.eventCovered?.waitMaxMs ?? 0) / SECOND,
      withEvent: seconds(withEvent),
      eventLost: seconds(eventLost),
      todayNotCovered: seconds(today),
      terraform10s: { gets: terraform.gets, detectionDelaySeconds: terraform.detectionDelayMs / SECOND },
      atlasCli4s: { gets: cli.gets, detectionDelaySeconds: cli.detectionDelayMs / SECOND },
      manualSteps: MANUAL_STEPS,
    },
  };
}

function seconds(f: Followed) {
  return {
    gets: f.gets,
    getsByEvent: f.eventGets,
    detectionDelaySeconds: f.detectionDelayMs / SECOND,
    worstDetectionDelaySecondsForAnyAcceptTime: f.worstDetectionDelayMs / SECOND,
  };
}

/**
 * What a person (or their Terraform) must add for one AWS peering change besides the change itself. The
 * gateway, for an account in its registry's `awsAccounts` (deploy/accepter-role.yml's role), accepts the
 * request and writes the routes itself (src/adapters/aws/peerAccount/ec2Apply.ts).
 */
const MANUAL_STEPS = {
  gatewayConfiguredAccount: [] as string[],
  gatewayOtherAccount: ["accept the request in the peer account", "add the route to Atlas's CIDR"],
  terraform: ["aws_vpc_peering_connection_accepter", "aws_route (one per route table)"],
};

function manualSteps(): Figure {
  return figure({
    id: "acceptanceEvent.manualSteps",
    label: "manual steps per AWS change (account in the registry's awsAccounts)",
    unit: "steps",
    gateway: MANUAL_STEPS.gatewayConfiguredAccount.length,
    baseline: MANUAL_STEPS.terraform.length,
    baselineLabel: "Terraform: extra resources",
    goal: { on: "value", max: 0, text: "0" },
  });
}

const METHOD =
  "Pure simulation as atlasCalls.ts, with the account listed in PEER_EVENT_ACCOUNTS " +
  "(RECHECK_EVENT_COVERED_WAIT_MAX_SECONDS 1800): the PATCH at t=0, 30 s of Atlas work, then " +
  "PENDING_ACCEPTANCE until the person accepts at 1 h 30 s; AVAILABLE from then on (Atlas's own lag after " +
  `an accept is not modelled). With the event: CloudTrail's AcceptVpcPeeringConnection reaches the events ` +
  `function ${EVENT_DELIVERY_MS / SECOND} s after the accept (an assumed EventBridge delivery; CloudTrail ` +
  "is best effort and may take minutes) and re-checks the change at once (one GET). Event lost: only the " +
  "schedule looks. Fixed pollers GET every interval until they see AVAILABLE. Manual steps: counted from " +
  "what each way needs written per change: the gateway accepts and routes for a registry account; " +
  "Terraform needs an aws_vpc_peering_connection_accepter and an aws_route (per route table; security " +
  "group rules not counted).";
