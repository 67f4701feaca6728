import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type HttpHandlerDeps, makeHttpHandler } from "../../../../src/lambda/httpHandler.js";
import { LoggedAuditLog } from "../../../../src/observability/auditLines.js";
import { createLogger } from "../../../../src/observability/logger.js";
import { GROUP_A, PEER_1, TOKENS } from "../../../helpers/callers.js";
import { fakeChangeDeps } from "../../../helpers/changeDeps.js";
import { apiEvent, lambdaContext } from "../../../helpers/events.js";
import { FakeAtlas } from "../../../helpers/fakes.js";
import { MemoryReplayGuard } from "../../../helpers/memoryAudit.js";

const PEER_OK = JSON.stringify({ id: PEER_1, providerName: "AWS", statusName: "INITIATING" });
const path = `/api/atlas/v2/groups/${GROUP_A}/peers/${PEER_1}`;
const headers = { authorization: `Bearer ${TOKENS.ci}` };

/** The production audit decorator, its logger formatting every line at INFO as in Lambda (output dropped). */
function setup() {
  const atlas = new FakeAtlas({
    status: 200,
    body: PEER_OK,
    headers: { "content-type": "application/json" },
  });
  const fake = fakeChangeDeps({ atlas });
  const deps: HttpHandlerDeps = {
    ...fake.deps,
    audit: new LoggedAuditLog(fake.audit, createLogger({ logLevel: "INFO" })),
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    replay: new MemoryReplayGuard(),
    slackSigningSecrets: async () => [],
  };
  return { atlas, audit: fake.audit, serve: makeHttpHandler(deps) };
}

beforeAll(() => {
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
});
afterAll(() => {
  vi.restoreAllMocks();
});

describe("bodies no client sends are refused before anything walks them", () => {
  it("a 3000-deep array (6 KB) is a 400 naming the rule, audited without the body", async () => {
    const { atlas, audit, serve } = setup();
    const body = `${"[".repeat(3000)}${"]".repeat(3000)}`;
    const result = await serve(apiEvent({ method: "PATCH", path, headers, body }), lambdaContext);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body ?? "{}")).toMatchObject({
      errors: [{ path: "body", message: "nests deeper than 32 levels" }],
      requestId: expect.any(String),
    });
    expect(atlas.calls).toEqual([]);
    expect(audit.records.map((r) => [r.outcome, r.groupId, r.asked])).toEqual([
      ["refused", GROUP_A, undefined],
    ]);
  });

  it("a key given twice is a 400 naming it; Atlas never receives both", async () => {
    const { atlas, serve } = setup();
    const body =
      '{"accepterRegionName":"us-east-1","awsAccountId":"123456789012","containerId":"5e57d85c854180642f7844bf",' +
      '"routeTableCidrBlock":"8.8.8.0/24","vpcId":"vpc-0123456789abcdef0","routeTableCidrBlock":"10.9.0.0/21"}';
    const result = await serve(apiEvent({ method: "PATCH", path, headers, body }), lambdaContext);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body ?? "{}").errors).toEqual([
      { path: "body.routeTableCidrBlock", message: "is given more than once; send it once" },
    ]);
    expect(atlas.calls).toEqual([]);
  });

  it("a 3 KB change id or cursor never reaches the store", async () => {
    const { serve } = setup();
    const longId = "a".repeat(3000);
    const get = await serve(
      apiEvent({ method: "GET", path: `/v1/peering-changes/${longId}`, headers }),
      lambdaContext,
    );
    expect(get.statusCode).toBe(404);
    expect(JSON.parse(get.body ?? "{}").detail).not.toContain(longId);
    const query = `groupId=${GROUP_A}&cursor=${"b".repeat(3000)}`;
    const list = await serve(
      apiEvent({ method: "GET", path: "/v1/peering-changes", query, headers }),
      lambdaContext,
    );
    expect(list.statusCode).toBe(400);
  });
});
