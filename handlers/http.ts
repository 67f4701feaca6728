import { httpEntry } from "../src/wiring/entries.js";

/** API Gateway HTTP API entry: the Atlas-compatible PATCH routes and `POST /v1/peering-changes`. */
export const handler = httpEntry(process.env);
