import {
  makeEventsHandler,
  makeNotifyHandler,
  makeRecheckHandler,
  makeSweeperHandler,
} from "../lambda/followUpHandlers.js";
import { makeHttpHandler } from "../lambda/httpHandler.js";
import { type AwsDeps, awsDeps } from "./aws.js";
import { peerSideDeps } from "./peerSide.js";

type Env = Record<string, string | undefined>;

/** How many overdue changes one sweep re-checks (each costs one Atlas GET at most). */
const SWEEP_LIMIT = 50;

/**
 * The five Lambda entry points, each built from an environment by the one production wiring. `handlers/*.ts`
 * call them with `process.env` at cold start; the local stack calls them with the same variables pointed at
 * its local stand-ins, so what runs locally is what runs in AWS.
 */
export function httpEntry(env: Env, deps: AwsDeps = awsDeps(env)) {
  return makeHttpHandler({ ...deps, deadlineMarginMs: deps.config.deadlineMarginMs });
}

/** The recheck and sweeper functions follow changes, so they (only) act on the peer's AWS side. */
export function recheckEntry(env: Env, deps: AwsDeps = awsDeps(env)) {
  const peerSide = peerSideDeps(env, deps.callers);
  return makeRecheckHandler({ ...deps, peerSide, deadlineMarginMs: deps.config.deadlineMarginMs });
}

export function eventsEntry(env: Env, deps: AwsDeps = awsDeps(env)) {
  return makeEventsHandler({ ...deps, deadlineMarginMs: deps.config.deadlineMarginMs });
}

export function notifyEntry(env: Env, deps: AwsDeps = awsDeps(env)) {
  return makeNotifyHandler({ ...deps, deadlineMarginMs: deps.config.deadlineMarginMs });
}

export function sweeperEntry(env: Env, deps: AwsDeps = awsDeps(env)) {
  return makeSweeperHandler(
    { ...deps, peerSide: peerSideDeps(env, deps.callers), deadlineMarginMs: deps.config.deadlineMarginMs },
    {
      graceMs: deps.config.sweepGraceMs,
      limit: SWEEP_LIMIT,
      drift: { store: deps.driftStore, ...deps.config.drift },
    },
  );
}
