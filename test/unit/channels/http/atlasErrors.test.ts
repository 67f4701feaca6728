import { describe, expect, it } from "vitest";
import { type HttpHandlerDeps, makeHttpHandler } from "../../../../src/lambda/httpHandler.js";
import {
  type AtlasCredentialSource,
  AtlasCredentialsError,
} from "../../../../src/ports/AtlasCredentialSource.js";
import { GROUP_A, PEER_1, TOKENS } from "../../../helpers/callers.js";
import { fakeChangeDeps } from "../../../helpers/changeDeps.js";
import { apiEvent, lambdaContext } from "../../../helpers/events.js";
import { FakeAtlas, RotatingCredentials } from "../../../helpers/fakes.js";
import { MemoryReplayGuard } from "../../../helpers/memoryAudit.js";
import { goSdkDecode, goSdkIsErrorCode } from "./goSdkError.js";

/**
 * Issue 11 item 2: what the gateway answers itself on the Atlas-compatible routes reads like an Atlas error to
 * an Atlas client (the Go SDK's `admin.IsErrorCode` sees the code), while staying an RFC 9457 problem.
 */

const KEYS = { kind: "apiKey" as const, publicKey: "pubkey01", privateKey: "test-private-key-0001" };
const CONTAINER = "5e57d85c854180642f7844bf";
const AWS_BODY = JSON.stringify({
  accepterRegionName: "us-east-1",
  awsAccountId: "123456789012",
  containerId: CONTAINER,
  routeTableCidrBlock: "10.15.0.0/16",
  vpcId: "vpc-0123456789abcdef0",
});
const PEER = JSON.stringify({ id: PEER_1, providerName: "AWS", statusName: "INITIATING" });
const v2Path = `/api/atlas/v2/groups/${GROUP_A}/peers/${PEER_1}`;
const bearer = { authorization: `Bearer ${TOKENS.ci}` };

function handler(credentials: AtlasCredentialSource = new RotatingCredentials(KEYS)) {
  const atlas = new FakeAtlas({ status: 200, body: PEER, headers: { "content-type": "application/json" } });
  const fake = fakeChangeDeps({ atlas, credentials, now: 1_764_331_200_000 });
  const deps: HttpHandlerDeps = {
    ...fake.deps,
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    replay: new MemoryReplayGuard(),
    slackSigningSecrets: async () => [],
  };
  const serve = makeHttpHandler(deps);
  return (input: Parameters<typeof apiEvent>[0]) => serve(apiEvent(input), lambdaContext);
}

type Answer = Awaited<ReturnType<ReturnType<typeof handler>>>;

/** Asserts the answer is Atlas-shaped with `errorCode` and returns its body. */
function expectAtlasError(result: Answer, status: number, errorCode: string) {
  expect(result.statusCode).toBe(status);
  expect(result.headers["content-type"]).toBe("application/json");
  expect(goSdkIsErrorCode(result.headers["content-type"], result.body, errorCode)).toBe(true);
  const body = JSON.parse(result.body);
  expect(body).toMatchObject({
    error: status,
    errorCode,
    reason: expect.any(String),
    detail: expect.any(String),
    parameters: expect.any(Array),
    status,
    type: expect.stringMatching(/^https:\/\/atlas-peering-gateway\.dev\/problems\//),
    title: expect.any(String),
    requestId: expect.stringMatching(/^req-/),
  });
  return body;
}

describe("errors the gateway answers itself on the drop-in routes", () => {
  it.each([
    ["no credentials", {}, 401, "GATEWAY_UNAUTHENTICATED"],
    [
      "a caller outside the project",
      { authorization: `Bearer ${TOKENS.narrow}` },
      403,
      "GATEWAY_NOT_GRANTED",
    ],
  ])("answers %s Atlas-shaped, as the Go SDK reads it", async (_label, headers, status, code) => {
    const serve = handler();
    const result = await serve({ method: "PATCH", path: v2Path, headers, body: AWS_BODY });
    const body = expectAtlasError(result, status, code);
    expect(body).toMatchObject({ instance: v2Path, reason: status === 401 ? "Unauthorized" : "Forbidden" });
  });

  it("answers the read drop-ins (GET) Atlas-shaped too, with no code of their own: the path decides", async () => {
    const serve = handler();
    const list = await serve({ method: "GET", path: `/api/atlas/v2/groups/${GROUP_A}/peers` });
    expectAtlasError(list, 401, "GATEWAY_UNAUTHENTICATED");
    const one = await serve({
      method: "GET",
      path: `/api/atlas/v1.0/groups/NOT-HEX/peers/${PEER_1}`,
      headers: bearer,
    });
    expect(one.statusCode).toBeGreaterThanOrEqual(400);
    expect(goSdkDecode(one.headers["content-type"], one.body)).toHaveProperty("model");
  });

  it("names a read-only field with ATTRIBUTE_READ_ONLY and lists every violation in badRequestDetail", async () => {
    const body = JSON.stringify({ containerId: CONTAINER, statusName: "AVAILABLE", vpcId: "vpc-zz" });
    const result = await handler()({ method: "PATCH", path: v2Path, headers: bearer, body });
    const answer = expectAtlasError(result, 400, "ATTRIBUTE_READ_ONLY");
    expect(answer.parameters).toEqual(["statusName"]);
    expect(answer.badRequestDetail.fields).toEqual([
      { field: "statusName", description: "is read-only: Atlas sets it" },
      { field: "vpcId", description: expect.stringContaining("must be vpc-") },
    ]);
    expect(answer.errors.map((e: { path: string }) => e.path)).toEqual(["statusName", "vpcId"]);
  });

  it.each([
    ["an absent containerId", { providerName: "GCP" }, "MISSING_ATTRIBUTE", ["containerId"]],
    ["a number for a string", { containerId: CONTAINER, vpcId: 7 }, "INVALID_JSON_ATTRIBUTE", ["vpcId"]],
    [
      "another provider's field",
      { containerId: CONTAINER, vnetName: "v" },
      "INVALID_ATTRIBUTE",
      ["vnetName"],
    ],
    ["an array body", [], "INVALID_JSON", []],
  ])("answers %s with Atlas's own code", async (_label, value, code, parameters) => {
    const body = JSON.stringify(value);
    const result = await handler()({ method: "PATCH", path: v2Path, headers: bearer, body });
    expect(expectAtlasError(result, 400, code).parameters).toEqual(parameters);
  });

  it("answers a bad query flag INVALID_QUERY_PARAMETER and bad ids INVALID_PATH_PARAMETER", async () => {
    const serve = handler();
    const query = await serve({
      method: "PATCH",
      path: v2Path,
      query: "pretty=yes",
      headers: bearer,
      body: AWS_BODY,
    });
    expect(expectAtlasError(query, 400, "INVALID_QUERY_PARAMETER").parameters).toEqual(["pretty"]);
    const ids = await serve({
      method: "PATCH",
      path: "/api/atlas/v2/groups/NOT-HEX/peers/1",
      headers: bearer,
      body: AWS_BODY,
    });
    expect(expectAtlasError(ids, 400, "INVALID_PATH_PARAMETER").parameters).toEqual(["groupId", "peerId"]);
  });

  it.each([
    ["not JSON", { "content-type": "application/json" }, "{oops", 400, "MALFORMED_JSON"],
    ["another media type", { "content-type": "text/plain" }, AWS_BODY, 415, "GATEWAY_UNSUPPORTED_MEDIA_TYPE"],
    ["over 16 KiB", {}, JSON.stringify({ pad: "x".repeat(17_000) }), 413, "GATEWAY_PAYLOAD_TOO_LARGE"],
  ])("answers a body that is %s Atlas-shaped", async (_label, headers, body, status, code) => {
    const result = await handler()({
      method: "PATCH",
      path: v2Path,
      headers: { ...bearer, ...headers },
      body,
    });
    expectAtlasError(result, status, code);
  });

  it("answers a wrong method and a path it does not serve under /api/atlas/ with gateway codes", async () => {
    const serve = handler();
    const put = await serve({ method: "PUT", path: v2Path, headers: bearer, body: AWS_BODY });
    expectAtlasError(put, 405, "GATEWAY_METHOD_NOT_ALLOWED");
    expect(put.headers.Allow).toContain("PATCH");
    const clusters = await serve({
      method: "GET",
      path: `/api/atlas/v2/groups/${GROUP_A}/clusters`,
      headers: bearer,
    });
    expectAtlasError(clusters, 404, "GATEWAY_ROUTE_NOT_FOUND");
  });

  it("answers a change in flight GATEWAY_CHANGE_IN_FLIGHT, naming it in parameters", async () => {
    const serve = handler();
    const first = await serve({ method: "PATCH", path: v2Path, headers: bearer, body: AWS_BODY });
    const changeId = first.headers["x-change-request-id"];
    const second = await serve({ method: "PATCH", path: v2Path, headers: bearer, body: AWS_BODY });
    const body = expectAtlasError(second, 409, "GATEWAY_CHANGE_IN_FLIGHT");
    expect(body).toMatchObject({ parameters: [changeId], changeRequestId: changeId });
  });

  it("answers a malformed Idempotency-Key with a gateway code, not an Atlas attribute code", async () => {
    const headers = { ...bearer, "idempotency-key": "k".repeat(256) };
    const result = await handler()({ method: "PATCH", path: v2Path, headers, body: AWS_BODY });
    expect(expectAtlasError(result, 400, "GATEWAY_INVALID_IDEMPOTENCY_KEY").parameters).toEqual([
      "idempotencyKey",
    ]);
  });

  it("answers the gateway's own key trouble as a gateway code, never as Atlas's", async () => {
    const broken: AtlasCredentialSource = {
      credentialsFor: async () => {
        throw new AtlasCredentialsError("missing", "Secret gw/atlas does not exist.");
      },
    };
    const result = await handler(broken)({ method: "PATCH", path: v2Path, headers: bearer, body: AWS_BODY });
    expectAtlasError(result, 500, "GATEWAY_ATLAS_CREDENTIALS_UNAVAILABLE");
  });
});

describe("the gateway's own routes", () => {
  it("stay plain problem+json, without Atlas's members", async () => {
    const result = await handler()({
      method: "POST",
      path: "/v1/peering-changes",
      headers: bearer,
      body: "{}",
    });
    expect(result.statusCode).toBe(400);
    expect(result.headers["content-type"]).toBe("application/problem+json");
    const body = JSON.parse(result.body);
    expect(body).not.toHaveProperty("errorCode");
    expect(body).not.toHaveProperty("error");
  });

  it("would be invisible to the Go SDK as problem+json: why the drop-in routes answer application/json", () => {
    const body = JSON.stringify({ error: 401, errorCode: "GATEWAY_UNAUTHENTICATED" });
    expect(goSdkDecode("application/problem+json", body)).toEqual({
      failure: expect.stringContaining("undefined"),
    });
    expect(goSdkIsErrorCode("application/json", body, "GATEWAY_UNAUTHENTICATED")).toBe(true);
  });
});
