import type { Context } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import {
  makeEventsHandler,
  makeRecheckHandler,
  makeSweeperHandler,
} from "../../../src/lambda/followUpHandlers.js";
import { makeHttpHandler } from "../../../src/lambda/httpHandler.js";
import { createLogger } from "../../../src/observability/logger.js";
import { submitChange } from "../../../src/usecases/submitChange.js";
import { GROUP_A, PEER_1, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { apiEvent } from "../../helpers/events.js";
import { FakeAtlas } from "../../helpers/fakes.js";
import { MemoryReplayGuard } from "../../helpers/memoryAudit.js";

/** A Lambda context as the runtime passes it: one per invocation, each with its own request id. */
function lambdaContext(functionName: string, awsRequestId: string): Context {
  return {
    functionName,
    awsRequestId,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: "1024",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/12/01/[$LATEST]0123456789abcdef",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 20_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

let lines: Array<Record<string, unknown>> = [];

beforeEach(() => {
  // What the Lambda runtime sets in an on-demand container; Powertools reports no cold start without it.
  vi.stubEnv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
  lines = [];
  // Powertools writes INFO to stdout and WARN/ERROR to stderr.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split("\n")) {
        if (line.startsWith("{")) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      return true;
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** The `cold_start` of the log lines written for each Lambda request id, in invocation order. */
function coldStartByInvocation(): Array<[unknown, unknown, unknown]> {
  const seen = new Map<unknown, [unknown, unknown, unknown]>();
  for (const line of lines) {
    if (line.function_request_id !== undefined && !seen.has(line.function_request_id))
      seen.set(line.function_request_id, [line.function_name, line.function_request_id, line.cold_start]);
  }
  return [...seen.values()];
}

/** Change dependencies with a real (INFO) Powertools logger built in this container. */
function depsWithLogger(atlas?: FakeAtlas) {
  const fake = fakeChangeDeps(atlas ? { atlas } : {});
  return { ...fake, deps: { ...fake.deps, logger: createLogger() } };
}

describe("cold_start in the Lambda context of log lines", () => {
  it("is true on the http function's first invocation only", async () => {
    const { deps } = depsWithLogger();
    const handler = makeHttpHandler({
      ...deps,
      limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
      replay: new MemoryReplayGuard(),
      slackSigningSecrets: async () => [],
    });
    for (const id of ["inv-1", "inv-2", "inv-3"]) {
      const result = await handler(
        apiEvent({ method: "GET", path: "/v1/peering-changes" }),
        lambdaContext("gw-http", id),
      );
      expect(result.statusCode).toBe(401);
    }
    expect(coldStartByInvocation()).toEqual([
      ["gw-http", "inv-1", true],
      ["gw-http", "inv-2", false],
      ["gw-http", "inv-3", false],
    ]);
  });

  it("is true on the recheck function's first invocation only", async () => {
    const { deps } = depsWithLogger();
    const handler = makeRecheckHandler(deps);
    for (const id of ["inv-1", "inv-2"]) {
      expect(await handler({ changeId: "" }, lambdaContext("gw-recheck", id))).toEqual({ kind: "invalid" });
    }
    expect(coldStartByInvocation()).toEqual([
      ["gw-recheck", "inv-1", true],
      ["gw-recheck", "inv-2", false],
    ]);
  });

  it("is true on the events function's first invocation only", async () => {
    const { deps } = depsWithLogger();
    const handler = makeEventsHandler(deps);
    for (const id of ["inv-1", "inv-2"]) {
      const event = {
        id: `evt-${id}`,
        source: "nobody",
        "detail-type": "Peering Change Requested",
        detail: {},
      };
      expect(await handler(event, lambdaContext("gw-events", id))).toMatchObject({ kind: "rejected" });
    }
    expect(coldStartByInvocation()).toEqual([
      ["gw-events", "inv-1", true],
      ["gw-events", "inv-2", false],
    ]);
  });

  it("is true on the sweeper function's first invocation only", async () => {
    const peer = { status: 200, body: JSON.stringify({ statusName: "INITIATING" }) };
    const { deps, advance } = depsWithLogger(new FakeAtlas(peer));
    const caller = testRegistry().callers[0] as Caller;
    await submitChange(
      {
        caller,
        channel: "http",
        call: { groupId: GROUP_A, peerId: PEER_1, apiVersion: "v2", query: {} },
        provider: "AWS",
        body: '{"vpcId":"vpc-0123456789abcdef0","awsAccountId":"123456789012"}',
        requestId: "req-1",
      },
      deps,
      Number.MAX_SAFE_INTEGER,
    );
    const handler = makeSweeperHandler(deps, { graceMs: 60_000, limit: 10 });
    for (const id of ["inv-1", "inv-2"]) {
      advance(3_600_000); // the change's next check is long overdue: the sweeper re-checks it and logs
      expect(await handler({}, lambdaContext("gw-sweeper", id))).toMatchObject({ found: 1 });
    }
    expect(coldStartByInvocation()).toEqual([
      ["gw-sweeper", "inv-1", true],
      ["gw-sweeper", "inv-2", false],
    ]);
  });
});
