import { makeEventsHandler } from "../src/changes/lambdaHandlers.js";
import { awsDeps } from "../src/wiring/aws.js";

/** EventBridge rule target: `Peering Change Requested` events from the configured sources. */
export const makeHandler = makeEventsHandler;

const deps = awsDeps();
export const handler = makeHandler({ ...deps, deadlineMarginMs: deps.config.deadlineMarginMs });
