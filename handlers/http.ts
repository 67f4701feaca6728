import { makeHttpHandler } from "../src/http/lambdaHandler.js";
import { awsDeps } from "../src/wiring/aws.js";

/** API Gateway HTTP API entry: the Atlas-compatible PATCH routes and `POST /v1/peering-changes`. */
export const makeHandler = makeHttpHandler;

const deps = awsDeps();
export const handler = makeHandler({ ...deps, deadlineMarginMs: deps.config.deadlineMarginMs });
