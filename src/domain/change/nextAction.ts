import { parseObject } from "../json.js";
import { providerModule } from "../peering/providers/index.js";
import { awsAccepterRegion, setting } from "../peering/providers/observed.js";
import type { ChangeRecord } from "./ChangeRecord.js";

/**
 * What a next action reads of a change: its provider and body, what Atlas answered (the peer's settings as
 * Atlas returned them, on `atlas.peer`), once read, the peer's network container (Atlas's side), and, for AWS,
 * whether the gateway accepts in the peer's account and how its last run there went.
 */
export type NextActionSource = Pick<ChangeRecord, "provider" | "desired" | "atlas"> &
  Partial<Pick<ChangeRecord, "peerId" | "container" | "accepterAccountId" | "peerSide">>;

/**
 * What a person must do on the cloud side while Atlas waits (PENDING_ACCEPTANCE / WAITING_FOR_USER), in words
 * a platform engineer can act on: the text of the change's provider module, from Atlas's answer and the
 * container, falling back to the change's body and then to a description of the value where neither is known.
 * In an AWS account the gateway accepts in (the registry's `awsAccounts`), nobody is told to accept: the
 * text says what the gateway does, and, when its last run there stopped, what an operator must fix.
 */
export function nextAction(change: NextActionSource): string {
  const gateway = gatewayStep(change);
  if (gateway !== undefined) return gateway;
  const provider = providerModule(change.provider as unknown);
  return provider ? provider.nextAction(inputOf(change), desiredOf(change)) : UNKNOWN_PROVIDER;
}

/**
 * The same step as commands to paste (`<…>` marks what only the user knows); none for an unknown provider,
 * nor while the gateway accepts by itself. When its run stopped, the commands stay: a person may do it by hand.
 */
export function nextActionCommands(change: NextActionSource): string[] {
  const provider = providerModule(change.provider as unknown);
  if (gatewayAccepts(change) && !peerSideStopped(change)) return [];
  return provider ? provider.nextCommands(inputOf(change), desiredOf(change)) : [];
}

/**
 * The account the gateway accepts the change's AWS request in: the one a check found listed in the registry's
 * `awsAccounts`, while it is still the account Atlas reports (a new account is a new request, checked afresh).
 */
export function gatewayAccepts(change: NextActionSource): string | undefined {
  if (change.provider !== "AWS" || change.accepterAccountId === undefined) return undefined;
  const account = setting(change, desiredOf(change), "awsAccountId");
  return account === change.accepterAccountId ? account : undefined;
}

/** What the gateway does in an account it accepts in, and what stops it, if its last run on this pcx did. */
function gatewayStep(change: NextActionSource): string | undefined {
  const account = gatewayAccepts(change);
  if (account === undefined) return undefined;
  const desired = desiredOf(change);
  const pcx = change.atlas.connectionId ?? "the VPC peering request (once Atlas has made it)";
  const region = awsAccepterRegion(change, desired) ?? "the Atlas container's region";
  const cidr = change.container?.atlasCidrBlock ?? "the Atlas CIDR (once the gateway has read it)";
  const doing = `The gateway accepts ${pcx} in ${region} and adds the route to ${cidr} in account ${account}`;
  const stopped = peerSideStopped(change);
  if (stopped === undefined) return `${doing}; nobody needs to act on the AWS side.`;
  const why = stopped.outcome === "not-acceptable" ? "found the request cannot be accepted" : "failed";
  return `${doing}, but its last run ${why}: ${stopped.remediation ?? "see the change's history."}`;
}

/** The gateway's last run on the pcx Atlas still reports, when it stopped for an operator (failed, not acceptable). */
function peerSideStopped(change: NextActionSource): ChangeRecord["peerSide"] {
  const last = change.peerSide;
  if (last === undefined || last.pcxId !== change.atlas.connectionId) return undefined;
  return last.outcome === "failed" || last.outcome === "not-acceptable" ? last : undefined;
}

function inputOf(change: NextActionSource) {
  return {
    atlas: change.atlas,
    ...(change.peerId === undefined ? {} : { peerId: change.peerId }),
    ...(change.container === undefined ? {} : { container: change.container }),
  };
}

function desiredOf(change: NextActionSource): Record<string, string | undefined> {
  return desiredSettings(change.desired);
}

/** The text settings of a stored desired body: the caller's JSON, which next actions and remediations quote. */
export function desiredSettings(desired: string): Record<string, string | undefined> {
  const body = parseObject(desired);
  return Object.fromEntries(Object.entries(body).filter(([, value]) => typeof value === "string")) as Record<
    string,
    string
  >;
}

/** A provider read back from a store is not re-checked; one no module knows gets the general step. */
const UNKNOWN_PROVIDER = "Complete the peering on the cloud side, then wait for Atlas to report AVAILABLE.";
