import { afterEach, describe, expect, it, vi } from "vitest";
import { type HttpHandlerDeps, makeHttpHandler } from "../../../../src/lambda/httpHandler.js";
import { createLogger } from "../../../../src/observability/logger.js";
import type { AtlasCredentialSource } from "../../../../src/ports/AtlasCredentialSource.js";
import { AtlasCredentialsError } from "../../../../src/ports/AtlasCredentialSource.js";
import type { AuditLog } from "../../../../src/ports/AuditLog.js";
import { lazyPort } from "../../../../src/wiring/lazy.js";
import { GROUP_A, GROUP_B, PEER_1, SIGNING_SECRETS, TOKENS } from "../../../helpers/callers.js";
import { fakeChangeDeps } from "../../../helpers/changeDeps.js";
import { apiEvent, lambdaContext, signedHeaders } from "../../../helpers/events.js";
import { FakeAtlas, RotatingCredentials } from "../../../helpers/fakes.js";
import { MemoryReplayGuard } from "../../../helpers/memoryAudit.js";

const KEYS = { kind: "apiKey" as const, publicKey: "pubkey01", privateKey: "test-private-key-0001" };
const CONTAINER = "5e57d85c854180642f7844bf";
const AWS_BODY = JSON.stringify({
  accepterRegionName: "us-east-1",
  awsAccountId: "123456789012",
  containerId: CONTAINER,
  routeTableCidrBlock: "10.15.0.0/16",
  vpcId: "vpc-0123456789abcdef0",
});
const PEER_OK = JSON.stringify({
  id: PEER_1,
  providerName: "AWS",
  statusName: "INITIATING",
  errorStateName: null,
});
const NOW = 1_764_331_200_000;

function setup(
  atlas = new FakeAtlas({ status: 200, body: PEER_OK, headers: { "content-type": "application/json" } }),
  credentials: AtlasCredentialSource = new RotatingCredentials(KEYS),
) {
  const fake = fakeChangeDeps({ atlas, credentials, now: NOW });
  const deps: HttpHandlerDeps = {
    ...fake.deps,
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    replay: new MemoryReplayGuard(),
    slackSigningSecrets: async () => [],
  };
  return { atlas, handler: makeHttpHandler(deps), ...fake };
}

const bearer = { authorization: `Bearer ${TOKENS.ci}` };
const v2Path = `/api/atlas/v2/groups/${GROUP_A}/peers/${PEER_1}`;

describe("Atlas-compatible PATCH route", () => {
  it("forwards the body byte for byte and returns Atlas's answer unchanged, with ids", async () => {
    const { atlas, handler } = setup();
    const result = await handler(
      apiEvent({
        method: "PATCH",
        path: v2Path,
        query: "envelope=true&pretty=false",
        headers: bearer,
        body: AWS_BODY,
      }),
      lambdaContext,
    );
    expect(result).toMatchObject({ statusCode: 200, body: PEER_OK });
    expect(result.headers).toMatchObject({
      "x-change-request-id": "chg-1",
      location: "/v1/peering-changes/chg-1",
      "x-request-id": expect.stringMatching(/^req-/),
      "content-type": "application/json",
    });
    expect(atlas.changeCalls).toEqual([
      {
        method: "PATCH",
        credentials: KEYS,
        body: AWS_BODY,
        call: {
          groupId: GROUP_A,
          peerId: PEER_1,
          apiVersion: "v2",
          query: { envelope: true, pretty: false },
        },
      },
    ]);
  });

  it("accepts a base64-encoded body, as API Gateway may send it", async () => {
    const { atlas, handler } = setup();
    const result = await handler(
      apiEvent({ method: "PATCH", path: v2Path, headers: bearer, body: AWS_BODY, base64: true }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(200);
    expect(atlas.changeCalls[0]?.body).toBe(AWS_BODY);
  });

  it("accepts a partial body on the v1.0 route, as the v1.0 docs allow", async () => {
    const { atlas, handler } = setup();
    const body = '{"routeTableCidrBlock":"10.15.0.0/24"}';
    const result = await handler(
      apiEvent({
        method: "PATCH",
        path: `/api/atlas/v1.0/groups/${GROUP_A}/peers/${PEER_1}`,
        headers: bearer,
        body,
      }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(200);
    expect(atlas.changeCalls[0]).toMatchObject({ body, call: { apiVersion: "v1.0" } });
  });

  it("returns Atlas's refusal unchanged", async () => {
    const refusal = JSON.stringify({
      detail: "No peer with ID x exists in project y.",
      error: 404,
      errorCode: "PEER_NOT_FOUND",
      parameters: ["x", "y"],
      reason: "Not Found",
    });
    const { handler } = setup(
      new FakeAtlas({ status: 404, body: refusal, headers: { "content-type": "application/json" } }),
    );
    const result = await handler(
      apiEvent({ method: "PATCH", path: v2Path, headers: bearer, body: AWS_BODY }),
      lambdaContext,
    );
    expect(result).toMatchObject({ statusCode: 404, body: refusal });
  });

  it("fetches the keys again after a 401 and retries once with the new ones", async () => {
    const rotated = { kind: "apiKey" as const, publicKey: "pubkey02", privateKey: "test-private-key-0002" };
    const credentials = new RotatingCredentials(KEYS, rotated);
    const atlas = new FakeAtlas({ status: 401, body: '{"error":401}' }, { status: 200, body: PEER_OK });
    const { handler } = setup(atlas, credentials);
    const result = await handler(
      apiEvent({ method: "PATCH", path: v2Path, headers: bearer, body: AWS_BODY }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(200);
    // The drop-in route sends no planning read: the PATCH refused with 401, then with freshly fetched keys.
    expect(credentials.fetches).toEqual([
      { groupId: GROUP_A, refresh: false },
      { groupId: GROUP_A, refresh: true },
    ]);
    expect(atlas.changeCalls.map((c) => c.credentials)).toEqual([KEYS, rotated]);
  });

  it("gives up after one refresh when Atlas still says 401", async () => {
    const atlas = new FakeAtlas({
      status: 401,
      body: '{"error":401,"errorCode":"USER_CANNOT_ACCESS_GROUP"}',
    });
    const { handler } = setup(atlas);
    const result = await handler(
      apiEvent({ method: "PATCH", path: v2Path, headers: bearer, body: AWS_BODY }),
      lambdaContext,
    );
    // The gateway's keys were refused, not the caller's token: a 502 problem, never Atlas's 401.
    expect(result.statusCode).toBe(502);
    expect(JSON.parse(result.body ?? "{}")).toMatchObject({
      type: expect.stringContaining("atlas-credentials-refused"),
    });
    expect(atlas.changeCalls).toHaveLength(2);
  });
});

describe("refusals before Atlas", () => {
  it.each([
    ["no credentials", {}, 401],
    ["a wrong token", { authorization: "Bearer wrong" }, 401],
    ["a caller outside the project", { authorization: `Bearer ${TOKENS.narrow}` }, 403],
  ])("answers %s with %i and never calls Atlas", async (_label, headers, status) => {
    const { atlas, handler } = setup();
    const result = await handler(
      apiEvent({ method: "PATCH", path: v2Path, headers, body: AWS_BODY }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(status);
    // Atlas-shaped on the drop-in route (issue 11): the Go SDK decodes only a JSON media type it knows.
    expect(result.headers["content-type"]).toBe("application/json");
    expect(atlas.calls).toEqual([]);
  });

  it("refuses a caller outside the project with 403 before judging the body", async () => {
    const { atlas, handler } = setup();
    const result = await handler(
      apiEvent({
        method: "PATCH",
        path: v2Path,
        headers: { authorization: `Bearer ${TOKENS.narrow}` },
        body: '{"vpcId": "not a vpc"',
      }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(403);
    expect(atlas.calls).toEqual([]);
  });

  it("names every bad field in one 400", async () => {
    const { atlas, handler } = setup();
    const body = JSON.stringify({
      awsAccountId: "abc123abc123",
      vpcId: "vpc-abc123abc123",
      containerId: CONTAINER,
      accepterRegionName: "us-east-1",
      routeTableCidrBlock: "10.0.0.5/24",
      statusName: "AVAILABLE",
      colour: "blue",
    });
    const result = await handler(
      apiEvent({ method: "PATCH", path: v2Path, query: "pretty=yes", headers: bearer, body }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(400);
    const problem = JSON.parse(result.body);
    expect(problem).toMatchObject({
      status: 400,
      type: expect.stringContaining("validation"),
      instance: v2Path,
      requestId: expect.any(String),
    });
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "awsAccountId",
      "colour",
      "query.pretty",
      "routeTableCidrBlock",
      "statusName",
      "vpcId",
    ]);
    expect(atlas.calls).toEqual([]);
  });

  it("refuses malformed ids by name", async () => {
    const { handler } = setup();
    const result = await handler(
      apiEvent({
        method: "PATCH",
        path: "/api/atlas/v2/groups/NOT-HEX/peers/123",
        headers: bearer,
        body: AWS_BODY,
      }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).errors.map((e: { path: string }) => e.path)).toEqual([
      "path.groupId",
      "path.peerId",
    ]);
  });

  it.each([
    ["not JSON", { "content-type": "application/json" }, "{oops", 400],
    ["another media type", { "content-type": "text/plain" }, AWS_BODY, 415],
    [
      "more than 16 KiB",
      { "content-type": "application/json" },
      JSON.stringify({ pad: "x".repeat(17_000) }),
      413,
    ],
  ])("refuses a body that is %s", async (_label, headers, body, status) => {
    const { atlas, handler } = setup();
    const result = await handler(
      apiEvent({ method: "PATCH", path: v2Path, headers: { ...bearer, ...headers }, body }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(status);
    expect(atlas.calls).toEqual([]);
  });

  it("answers unknown routes with 404 and wrong methods with 405, after authentication", async () => {
    const { handler } = setup();
    expect(
      (await handler(apiEvent({ method: "GET", path: "/nope", headers: bearer }), lambdaContext)).statusCode,
    ).toBe(404);
    expect((await handler(apiEvent({ method: "GET", path: "/nope" }), lambdaContext)).statusCode).toBe(401);
    const wrongMethod = await handler(
      apiEvent({ method: "PUT", path: v2Path, headers: bearer, body: AWS_BODY }),
      lambdaContext,
    );
    expect(wrongMethod).toMatchObject({ statusCode: 405, headers: { Allow: "GET, PATCH" } });
  });

  it("answers 5xx without detail when the Atlas keys cannot be loaded", async () => {
    const broken: AtlasCredentialSource = {
      credentialsFor: async () => {
        throw new AtlasCredentialsError("missing", "Secret gw/atlas does not exist.");
      },
    };
    const { atlas, handler } = setup(undefined, broken);
    const result = await handler(
      apiEvent({ method: "PATCH", path: v2Path, headers: bearer, body: AWS_BODY }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toMatchObject({
      title: "The gateway cannot load its Atlas keys",
      detail: "Secret gw/atlas does not exist.",
    });
    expect(atlas.calls).toEqual([]);
  });
});

describe("POST /v1/peering-changes", () => {
  const path = "/v1/peering-changes";
  const change = JSON.stringify({
    groupId: GROUP_B,
    peerId: PEER_1,
    peering: JSON.parse(AWS_BODY),
    reason: "move to the new VPC CIDR",
  });

  it("accepts a signed request and reports the change as in progress", async () => {
    const { atlas, handler } = setup();
    const headers = signedHeaders("chatops", SIGNING_SECRETS.bot, {
      method: "POST",
      pathWithQuery: path,
      body: change,
      timestamp: NOW / 1000,
    });
    const result = await handler(apiEvent({ method: "POST", path, headers, body: change }), lambdaContext);
    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body)).toMatchObject({
      id: "chg-1",
      state: "IN_PROGRESS",
      atlas: JSON.parse(PEER_OK),
      change: { id: "chg-1", state: "IN_PROGRESS", callerId: "chatops", reason: "move to the new VPC CIDR" },
    });
    expect(result.headers.location).toBe("/v1/peering-changes/chg-1");
    expect(atlas.changeCalls[0]).toMatchObject({
      body: AWS_BODY,
      call: { groupId: GROUP_B, peerId: PEER_1, apiVersion: "v2" },
    });
  });

  it.each([
    [{ statusName: "PENDING_ACCEPTANCE" }, 202, "WAITING_FOR_USER"],
    [{ statusName: "AVAILABLE" }, 200, "SUCCEEDED"],
    [{ statusName: "FAILED", errorStateName: "REJECTED" }, 200, "FAILED"],
  ])("reports %j as %i %s", async (peer, status, state) => {
    // Atlas answers with the peer's settings: here the ones asked, so AVAILABLE means applied.
    const body = JSON.stringify({ ...JSON.parse(AWS_BODY), ...peer });
    const { handler } = setup(new FakeAtlas({ status: 200, body }));
    const result = await handler(
      apiEvent({ method: "POST", path, headers: { authorization: `Bearer ${TOKENS.narrow}` }, body: change }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(status);
    expect(JSON.parse(result.body).state).toBe(state);
  });

  it("keeps Atlas's status and error fields when Atlas refuses", async () => {
    const refusal = {
      detail: "The CIDR block 10.15.0.0/16 overlaps with another peer's CIDR block.",
      error: 409,
      errorCode: "OVERLAPPING_CIDR_BLOCK",
      parameters: ["10.15.0.0/16"],
      reason: "Conflict",
    };
    const { handler } = setup(new FakeAtlas({ status: 409, body: JSON.stringify(refusal) }));
    const result = await handler(
      apiEvent({ method: "POST", path, headers: { authorization: `Bearer ${TOKENS.narrow}` }, body: change }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(409);
    expect(JSON.parse(result.body)).toMatchObject({
      errorCode: "OVERLAPPING_CIDR_BLOCK",
      detail: refusal.detail,
      title: "Conflict",
      atlas: refusal,
      changeRequestId: "chg-1",
      // What to do about it, as the change's view says it.
      remediation: expect.stringContaining("10.15.0.0/16"),
    });
  });

  it("records a rate-limited change as RETRYING and schedules the re-send after Retry-After", async () => {
    const limited = {
      detail: "Rate limit exceeded",
      error: 429,
      errorCode: "RATE_LIMITED",
      reason: "Too Many Requests",
    };
    const { handler, scheduler, store } = setup(
      new FakeAtlas({ status: 429, body: JSON.stringify(limited), headers: { "retry-after": "120" } }),
    );
    const result = await handler(
      apiEvent({ method: "POST", path, headers: { authorization: `Bearer ${TOKENS.narrow}` }, body: change }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body)).toMatchObject({
      state: "RETRYING",
      change: { atlas: { httpStatus: 429, errorCode: "RATE_LIMITED" } },
    });
    expect(scheduler.scheduled).toEqual([{ changeId: "chg-1", attempt: 1, at: NOW + 120_000 }]);
    expect(store.changes.get("chg-1")?.nextCheckAt).toBe(NOW + 120_000);
  });

  it("names every bad field, top-level and inside peering", async () => {
    const { atlas, handler } = setup();
    const body = JSON.stringify({ groupId: "nope", peering: { vpcId: "vpc-1" }, extra: 1 });
    const result = await handler(apiEvent({ method: "POST", path, headers: bearer, body }), lambdaContext);
    expect(result.statusCode).toBe(400);
    const paths = JSON.parse(result.body).errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["groupId", "peerId", "extra", "peering.vpcId"]));
    // A peering may name only the fields to change: the peer supplies containerId, so it is not a violation.
    expect(paths).not.toContain("peering.containerId");
    expect(atlas.calls).toEqual([]);
  });
});

describe("a refusal whose audit cannot be written", () => {
  afterEach(() => vi.restoreAllMocks());

  /** Every JSON log line Powertools writes while `work` runs (INFO on stdout, WARN/ERROR on stderr). */
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

  it.each([
    [
      "whose adapter fails to load",
      lazyPort<AuditLog>(async () => {
        throw new Error("Cannot find module '../adapters/dynamodb/DynamoDbAuditLog.js'");
      }),
    ],
    [
      "whose record rejects",
      {
        record: async () => {
          throw new Error("ProvisionedThroughputExceededException");
        },
        list: async () => ({ items: [] }),
      } satisfies AuditLog,
    ],
  ])("still answers the 403 when the audit is one %s, and logs a warning", async (_label, audit) => {
    const { deps } = fakeChangeDeps({ now: NOW });
    const handler = makeHttpHandler({
      ...deps,
      audit,
      logger: createLogger(),
      limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
      replay: new MemoryReplayGuard(),
      slackSigningSecrets: async () => [],
    });
    // A refusal that is audited (a 401 never is): the CI caller outside its projects.
    const otherProject = `/api/atlas/v2/groups/${GROUP_B}/peers/${PEER_1}`;
    let result: Awaited<ReturnType<typeof handler>> | undefined;
    const logs = await logsOf(async () => {
      result = await handler(
        apiEvent({ method: "PATCH", path: otherProject, headers: bearer, body: AWS_BODY }),
        lambdaContext,
      );
    });
    expect(result?.statusCode).toBe(403);
    expect(result?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(result?.body ?? "{}")).toMatchObject({ status: 403 });
    expect(logs).toContainEqual(
      expect.objectContaining({ level: "WARN", message: "refusal not audited", status: 403 }),
    );
    const logged = JSON.stringify(logs);
    expect(logged).not.toContain(TOKENS.ci);
    expect(logged).not.toContain("10.15.0.0/16"); // the request body
  });
});
