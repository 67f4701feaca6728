import { makeRecheckHandler } from "../src/changes/lambdaHandlers.js";
import { awsDeps } from "../src/wiring/aws.js";

/** EventBridge Scheduler target: one re-check of one change (`{changeId, attempt}`). */
export const makeHandler = makeRecheckHandler;

const deps = awsDeps();
export const handler = makeHandler({ ...deps, deadlineMarginMs: deps.config.deadlineMarginMs });
