#!/usr/bin/env node
// tsx's API, resolved from this checkout, runs the TypeScript entry without a build step.
await (await import("tsx/esm/api")).tsImport("./peering-gateway.ts", import.meta.url);
