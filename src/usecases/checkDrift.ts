import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import {
  type DriftReport,
  driftNotification,
  driftOf,
  isNewDrift,
  type PeerReading,
} from "../domain/change/drift.js";
import { READ_PEER } from "../domain/change/operations.js";
import { isTerminal } from "../domain/peering/status.js";
import type { DriftStore, SettledPeering } from "../ports/DriftStore.js";
import { ATLAS_BUDGET_EMPTY, callAtlas } from "./atlasCall.js";
import type { ChangeDeps } from "./ChangeDeps.js";

/** What the drift check needs besides the change use cases' deps. */
export interface DriftDeps {
  store: DriftStore;
  /** How often the check runs at most (`DRIFT_CHECK_SECONDS`), whatever the sweeper's own rate. */
  everyMs: number;
  /** At most this many peerings (one Atlas GET each) per run, the longest-unchecked first. */
  limit: number;
}

/** What one peering's check came to. */
export type DriftCheckOutcome = "in sync" | "drifted" | "still drifted" | "resolved" | "skipped" | "unread";

/** What a run did: nothing when it was not due, else each peering's outcome. */
export interface DriftRun {
  ran: boolean;
  results: Array<{ groupId: string; peerId: string; outcome: DriftCheckOutcome }>;
}

/**
 * The drift check, run from the sweeper (so it needs no function, role or alarm of its own): at most once per
 * `everyMs` across all sweepers (a conditional write claims the run), it reads up to `limit` settled
 * peerings, longest-unchecked first, through an index, and compares each with Atlas. Each read is one GET
 * through the normal Atlas path, so the shared rate budget applies: when it runs dry the run stops and the
 * rest wait for the next run. A peering a change is working on is skipped (that change reports on it). A
 * new drift is announced once, through the outbox (event and callback, by the notify function); when Atlas
 * matches again the drift is forgotten, so a later one is announced anew.
 */
export async function checkDrift(deps: ChangeDeps, drift: DriftDeps, deadline: number): Promise<DriftRun> {
  if (!(await drift.store.claimRun(deps.now(), drift.everyMs))) return { ran: false, results: [] };
  const settled = await drift.store.oldestChecked(deps.now(), drift.limit);
  const results: DriftRun["results"] = [];
  for (const peering of settled) {
    if (deps.now() >= deadline) break;
    const outcome = await checkOne(peering, deps, drift.store, deadline).catch((error: unknown) => {
      deps.logger.error("drift check of a peering failed", { ...idsOf(peering), error: error as Error });
      return "unread" as const;
    });
    if (outcome === "budget") break;
    results.push({ groupId: peering.groupId, peerId: peering.peerId, outcome });
  }
  if (results.length > 0) deps.logger.info("drift check ran", { count: results.length, results });
  return { ran: true, results };
}

async function checkOne(
  peering: SettledPeering,
  deps: ChangeDeps,
  store: DriftStore,
  deadline: number,
): Promise<DriftCheckOutcome | "budget"> {
  const checked = () => ({ ...peering, checkedAt: deps.now(), revision: peering.revision + 1 });
  const change = await deps.store.get(peering.changeId);
  if (!change || (await changeInFlight(peering, deps, store))) {
    // To the back of the line, so a peering that cannot be checked now never holds up the others.
    await store.recordCheck(peering, checked());
    return "skipped";
  }
  const reading = await readPeer(change, deps, deadline);
  if (reading === "budget") return "budget";
  if (reading === undefined) {
    // Atlas refused or failed the read: decide nothing, try the others first next time.
    await store.recordCheck(peering, checked());
    return "unread";
  }
  const report = driftOf(change, reading, deps.now());
  if (report && isNewDrift(report, peering.drift?.signature))
    return announce(peering, checked(), change, report, deps, store);
  const { drift: _resolved, ...inSync } = checked();
  if (!(await store.recordCheck(peering, report ? checked() : inSync))) return "skipped";
  if (report) return "still drifted";
  return peering.drift ? "resolved" : "in sync";
}

/**
 * Remembers the drift on the baseline and puts its notification in the outbox in one conditional write (so
 * a second sweeper, or a retry, cannot announce it twice), then asks the notify function to deliver it.
 */
async function announce(
  peering: SettledPeering,
  checked: SettledPeering,
  change: ChangeRecord,
  report: DriftReport,
  deps: ChangeDeps,
  store: DriftStore,
): Promise<DriftCheckOutcome> {
  const since = checked.checkedAt;
  const next = {
    ...checked,
    drift: { signature: report.signature, since },
    announced: peering.announced + 1,
  };
  const notification = driftNotification(change, report, next.announced, since);
  if (!(await store.recordCheck(peering, next, notification))) return "skipped";
  deps.logger.warn("peering drifted from its last change", {
    ...idsOf(peering),
    fields: report.fields.map((f) => f.field),
    atlasStatus: report.atlasStatus,
  });
  await requestDelivery(notification.changeId, notification.version, deps);
  return "drifted";
}

/** Whether another change holds the peering's lock and has not ended: it is being changed right now. */
async function changeInFlight(
  peering: SettledPeering,
  deps: ChangeDeps,
  store: DriftStore,
): Promise<boolean> {
  const holder = await store.lockHolder(peering.groupId, peering.peerId);
  if (!holder || holder.changeId === peering.changeId) return false;
  const holding = await deps.store.get(holder.changeId);
  return holding !== undefined && !isTerminal(holding.state);
}

/** The peer as Atlas holds it now; `budget` when the shared budget is empty; undefined when unreadable. */
async function readPeer(
  change: ChangeRecord,
  deps: ChangeDeps,
  deadline: number,
): Promise<PeerReading | "budget" | undefined> {
  const call = { groupId: change.groupId, peerId: change.peerId, apiVersion: change.apiVersion, query: {} };
  const { outcome } = await callAtlas(deps, call, READ_PEER, deadline);
  if (outcome.kind === "peer")
    return {
      kind: "peer",
      status: outcome.peer,
      ...(outcome.settings ? { settings: outcome.settings } : {}),
    };
  if (outcome.kind === "refused" && outcome.httpStatus === 404) return { kind: "gone" };
  if (outcome.kind === "unavailable" && outcome.errorCode === ATLAS_BUDGET_EMPTY) return "budget";
  return undefined;
}

/** Asks the notify function to deliver at once; if that fails, the sweeper's re-drive finds it due. */
async function requestDelivery(changeId: string, version: number, deps: ChangeDeps): Promise<void> {
  try {
    await deps.events.requestDelivery({ changeId, version });
  } catch (error) {
    deps.logger.warn("could not ask for the drift's delivery; the sweeper will re-drive it", {
      changeId,
      error: error as Error,
    });
  }
}

function idsOf(peering: SettledPeering) {
  return { groupId: peering.groupId, peerId: peering.peerId, changeId: peering.changeId };
}
