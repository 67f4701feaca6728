import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type HttpHandlerDeps, makeHttpHandler } from "../../../../src/lambda/httpHandler.js";
import { LoggedAuditLog } from "../../../../src/observability/auditLines.js";
import { createLogger } from "../../../../src/observability/logger.js";
import { GROUP_A, PEER_1, TOKENS } from "../../../helpers/callers.js";
import { fakeChangeDeps } from "../../../helpers/changeDeps.js";
import { apiEvent, lambdaContext } from "../../../helpers/events.js";
import { FakeAtlas } from "../../../helpers/fakes.js";
import { MemoryReplayGuard } from "../../../helpers/memoryAudit.js";

/**
 * Property-based fuzzing of the HTTP API: thousands of generated requests against every route, with a real
 * (in-memory) store and a recording Atlas. Whatever is sent, the answer is never a 5xx; a refusal is a
 * problem+json with a request id; and nothing refused is forwarded to Atlas.
 */

const PEER_OK = JSON.stringify({ id: PEER_1, providerName: "AWS", statusName: "INITIATING" });

/** The production audit decorator with a logger that really formats each line at INFO (its output is dropped). */
const auditLogger = createLogger({ logLevel: "INFO" });

function handler() {
  const atlas = new FakeAtlas({
    status: 200,
    body: PEER_OK,
    headers: { "content-type": "application/json" },
  });
  const fake = fakeChangeDeps({ atlas });
  const deps: HttpHandlerDeps = {
    ...fake.deps,
    audit: new LoggedAuditLog(fake.audit, auditLogger),
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    replay: new MemoryReplayGuard(),
    slackSigningSecrets: async () => [],
  };
  return { atlas, serve: makeHttpHandler(deps) };
}

const auth = { authorization: `Bearer ${TOKENS.ci}` };
const valid = {
  accepterRegionName: "us-east-1",
  awsAccountId: "123456789012",
  containerId: "5e57d85c854180642f7844bf",
  routeTableCidrBlock: "10.15.0.0/16",
  vpcId: "vpc-0123456789abcdef0",
};

/** Bodies a careless or hostile client sends: garbage, any JSON, deep nesting, repeated keys, one bad field. */
const bodies = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 20, max: 5_000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
  fc.constantFrom(...Object.keys(valid)).map((k) => `${JSON.stringify(valid).slice(0, -1)},"${k}":"x"}`),
  fc
    .tuple(fc.constantFrom(...Object.keys(valid)), fc.jsonValue({ maxDepth: 3 }))
    .map(([k, v]) => JSON.stringify({ ...valid, [k]: v })),
  fc
    .jsonValue({ maxDepth: 3 })
    .map((peering) => JSON.stringify({ groupId: GROUP_A, peerId: PEER_1, peering })),
);
/** Path segments: ids of every length and alphabet, encoded or not. */
const segment = fc.oneof(
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.stringMatching(/^[a-f0-9]{1,3000}$/),
  fc.constant(GROUP_A),
);
const query = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc
    .tuple(
      fc.constantFrom("groupId", "peerId", "state", "limit", "cursor", "since", "envelope", "pretty"),
      fc.string({ maxLength: 3000 }),
    )
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`),
);
const request = fc.oneof(
  fc.record({
    method: fc.constantFrom("PATCH", "POST", "GET", "DELETE", "PUT"),
    path: fc.oneof(
      fc
        .tuple(fc.constantFrom("v1.0", "v2"), segment, segment)
        .map(([v, g, p]) => `/api/atlas/${v}/groups/${g}/peers/${p}`),
      segment.map((id) => `/v1/peering-changes/${id}`),
      fc.constantFrom("/v1/peering-changes", "/v1/audit", "/v1/slack/commands", "/"),
    ),
    query,
    body: bodies,
    contentType: fc.constantFrom(
      "application/json",
      "application/vnd.atlas.2023-01-01+json",
      "text/plain",
      "application/x-www-form-urlencoded",
    ),
    header: fc.string({ maxLength: 9_000 }),
  }),
);

describe("every route, under generated requests", () => {
  beforeAll(() => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  it("never answers 5xx; refuses with problem+json and a request id; forwards nothing it refused", async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const { atlas, serve } = handler();
        const headers = { ...auth, "content-type": r.contentType, "x-fuzz": r.header };
        const result = await serve(
          apiEvent({ method: r.method, path: r.path, query: r.query, headers, body: r.body }),
          lambdaContext,
        );
        expect(result.statusCode).toBeLessThan(500);
        if (result.statusCode >= 400) {
          // Under /api/atlas/ a refusal is Atlas-shaped and sent as application/json, as Atlas sends errors.
          const type = r.path.startsWith("/api/atlas/")
            ? /^application\/json$/
            : /^application\/problem\+json/;
          expect(result.headers?.["content-type"]).toMatch(type);
          expect(JSON.parse(result.body ?? "{}")).toHaveProperty("requestId");
          expect(atlas.calls.filter((c) => c.method === "PATCH")).toEqual([]);
        }
      }),
      { numRuns: 3_000 },
    );
  }, 120_000);
});
