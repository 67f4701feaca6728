import { makeSweeperHandler } from "../src/changes/lambdaHandlers.js";
import { awsDeps } from "../src/wiring/aws.js";

/** EventBridge rule target (every 5 minutes): re-checks changes whose next check is overdue. */
export const makeHandler = makeSweeperHandler;

const deps = awsDeps();
export const handler = makeHandler(
  { ...deps, deadlineMarginMs: deps.config.deadlineMarginMs },
  { graceMs: deps.config.sweepGraceMs, limit: 50 },
);
