import { afterEach, describe, expect, it, vi } from "vitest";
import { CallerRegistryError } from "../../../../src/access/callers.js";
import { type HttpHandlerDeps, makeHttpHandler } from "../../../../src/lambda/httpHandler.js";
import { createLogger } from "../../../../src/observability/logger.js";
import { noMetrics } from "../../../../src/ports/ChangeMetrics.js";
import { GROUP_A, PEER_1 } from "../../../helpers/callers.js";
import { fakeChangeDeps } from "../../../helpers/changeDeps.js";
import { apiEvent, lambdaContext } from "../../../helpers/events.js";
import { MemoryReplayGuard } from "../../../helpers/memoryAudit.js";

const PATH = `/api/atlas/v2/groups/${GROUP_A}/peers/${PEER_1}`;
const BODY = JSON.stringify({ vpcId: "vpc-0123456789abcdef0", routeTableCidrBlock: "10.77.0.0/16" });
const SECRET_NAME = "atlas-peering-gateway/prod/callers";

function setup(overrides: Partial<HttpHandlerDeps> = {}) {
  const fake = fakeChangeDeps();
  let counted = 0;
  const deps: HttpHandlerDeps = {
    ...fake.deps,
    metrics: { ...noMetrics, unauthenticated: () => (counted += 1) },
    logger: createLogger({ logLevel: "SILENT" }),
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    replay: new MemoryReplayGuard(),
    slackSigningSecrets: async () => [],
    ...overrides,
  };
  return { ...fake, handler: makeHttpHandler(deps), counted: () => counted };
}

/** Every JSON log line written while `work` runs. */
async function logsOf(work: () => Promise<void>): Promise<Array<Record<string, unknown>>> {
  const chunks: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
  }
  try {
    await work();
  } finally {
    vi.restoreAllMocks();
  }
  return chunks
    .flatMap((chunk) => chunk.split("\n"))
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("unauthenticated refusals", () => {
  afterEach(() => vi.restoreAllMocks());

  it("write nothing to the audit trail, whatever project they name: 300 requests, 0 records", async () => {
    const { handler, audit, counted } = setup();
    const senders = [{}, { authorization: "Bearer not-a-token" }, { "x-gateway-caller": "ci-pipeline" }];
    for (let i = 0; i < 300; i++) {
      const headers = senders[i % senders.length] ?? {};
      const result = await handler(
        apiEvent({ method: "PATCH", path: PATH, headers, body: BODY }),
        lambdaContext,
      );
      expect(result.statusCode).toBe(401);
    }
    expect(audit.records).toEqual([]);
    expect(counted()).toBe(300);
  });

  it("are logged in one line each, without the body or the Authorization header", async () => {
    const { handler } = setup({ logger: createLogger() });
    const logs = await logsOf(async () => {
      const headers = { authorization: "Bearer leaked-token-4d2c" };
      await handler(apiEvent({ method: "PATCH", path: PATH, headers, body: BODY }), lambdaContext);
    });
    const refused = logs.filter((l) => l.message === "unauthenticated request refused");
    expect(refused).toEqual([expect.objectContaining({ status: 401, path: PATH, method: "PATCH" })]);
    const text = JSON.stringify(logs);
    expect(text).not.toContain("leaked-token-4d2c");
    expect(text).not.toContain("10.77.0.0/16");
  });
});

describe("a callers registry that cannot be read", () => {
  it("answers a generic 500 and names the secret only in the log line", async () => {
    const broken = new CallerRegistryError(`The callers registry in secret ${SECRET_NAME} is not valid: x`);
    const { handler } = setup({
      logger: createLogger(),
      callers: { registry: () => Promise.reject(broken) },
    });
    let body = "";
    const logs = await logsOf(async () => {
      const result = await handler(apiEvent({ method: "PATCH", path: PATH, body: BODY }), lambdaContext);
      expect(result.statusCode).toBe(500);
      body = result.body;
    });
    expect(body).not.toContain(SECRET_NAME);
    expect(JSON.parse(body)).toMatchObject({ detail: "The gateway's caller registry cannot be read." });
    expect(logs).toContainEqual(
      expect.objectContaining({
        message: "request failed",
        errorMessage: expect.stringContaining(SECRET_NAME),
      }),
    );
  });
});
