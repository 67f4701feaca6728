import { describe, expect, it } from "vitest";
import type { AtlasRequest } from "../../../src/domain/change/operations.js";
import type { AtlasCredentialSource, AtlasCredentials } from "../../../src/ports/AtlasCredentialSource.js";
import { AtlasCredentialsRefusedError } from "../../../src/ports/AtlasCredentialSource.js";
import type { AtlasAnswer, AtlasPeeringApi, PeerCall } from "../../../src/ports/AtlasPeeringApi.js";
import type { AtlasCallSample } from "../../../src/ports/ChangeMetrics.js";
import { noMetrics } from "../../../src/ports/ChangeMetrics.js";
import { callAtlas } from "../../../src/usecases/atlasCall.js";

const SECRET_ID = "atlas-peering-gateway/prod/atlas";
const KEYS: AtlasCredentials = {
  kind: "apiKey",
  publicKey: "pub",
  privateKey: "very-private-value",
  secretId: SECRET_ID,
};
const PATCH: AtlasRequest = { method: "PATCH", body: "{}" };
const call = (query: PeerCall["query"] = {}): PeerCall => ({
  groupId: "5f1e2d3c4b5a69788796a5b4",
  peerId: "5f1e2d3c4b5a69788796a5c1",
  apiVersion: "v2",
  query,
});

/** Answers from a script (the last repeats), counting the reads of the secret and whether they were forced. */
function harness(...script: Array<{ status: number; body: unknown }>) {
  const refreshes: boolean[] = [];
  const samples: AtlasCallSample[] = [];
  const credentials: AtlasCredentialSource = {
    credentialsFor: async (_groupId, options) => {
      refreshes.push(options?.refresh ?? false);
      return KEYS;
    },
  };
  let next = 0;
  const answer = async (): Promise<AtlasAnswer> => {
    const { status, body } = script[Math.min(next++, script.length - 1)] ?? { status: 200, body: {} };
    return { status, headers: {}, body: JSON.stringify(body), attempts: 1, latencyMs: 5 };
  };
  const atlas: AtlasPeeringApi = {
    updatePeer: answer,
    getPeer: answer,
    listPeers: answer,
    getContainer: answer,
  };
  const deps = {
    credentials,
    atlas,
    now: () => 0,
    metrics: { ...noMetrics, atlasCall: (s: AtlasCallSample) => samples.push(s) },
  };
  return { deps, refreshes, samples };
}

const enveloped = (status: number, content: object) => ({ status: 200, body: { status, content } });
const error = (status: number, errorCode?: string) => ({
  error: status,
  ...(errorCode ? { errorCode } : {}),
  detail: "…",
});

describe("callAtlas reads Atlas's outcome from the envelope when one was asked for", () => {
  it("an enveloped 503 is an outage, counted as a 503", async () => {
    const { deps, samples } = harness(enveloped(503, error(503, "SERVICE_UNAVAILABLE")));
    const result = await callAtlas(deps, call({ envelope: true }), PATCH, 1_000);
    expect(result.outcome).toMatchObject({
      kind: "unavailable",
      httpStatus: 503,
      errorCode: "SERVICE_UNAVAILABLE",
    });
    expect(result.answer?.status).toBe(200);
    expect(samples).toEqual([expect.objectContaining({ status: 503, errorCode: "SERVICE_UNAVAILABLE" })]);
  });

  it("an enveloped 400 is a refusal and an enveloped peer is the peer", async () => {
    const refused = await callAtlas(
      harness(enveloped(400, error(400, "INVALID_ATTRIBUTE"))).deps,
      call({ envelope: true }),
      PATCH,
      1_000,
    );
    expect(refused.outcome).toMatchObject({
      kind: "refused",
      httpStatus: 400,
      errorCode: "INVALID_ATTRIBUTE",
    });
    const peer = await callAtlas(
      harness(enveloped(200, { statusName: "INITIATING" })).deps,
      call({ envelope: true }),
      PATCH,
      1_000,
    );
    expect(peer.outcome).toEqual({
      kind: "peer",
      httpStatus: 200,
      peer: { status: "INITIATING" },
      settings: { statusName: "INITIATING" },
    });
  });

  it("without envelope=true, a body that looks like an envelope is a body", async () => {
    const result = await callAtlas(harness(enveloped(503, error(503))).deps, call(), PATCH, 1_000);
    expect(result.outcome.kind).toBe("peer");
  });
});

describe("callAtlas: Atlas refusing the gateway's own credentials", () => {
  it.each([
    ["a 401", 401, undefined, false],
    ["an enveloped 401", 401, undefined, true],
    ["403 IP_ADDRESS_NOT_ON_WHITELIST", 403, "IP_ADDRESS_NOT_ON_WHITELIST", false],
    ["403 ORG_REQUIRES_WHITELIST", 403, "ORG_REQUIRES_WHITELIST", false],
  ] as const)(
    "%s after a forced re-read of the secret is an outage of the gateway's credentials",
    async (_name, status, code, envelope) => {
      const body = error(status, code);
      const { deps, refreshes, samples } = harness(envelope ? enveloped(status, body) : { status, body });
      const result = await callAtlas(deps, call(envelope ? { envelope: true } : {}), PATCH, 1_000);
      expect(refreshes).toEqual([false, true]);
      expect(result.answer).toBeUndefined();
      expect(result.outcome).toMatchObject({ kind: "unavailable", httpStatus: status });
      expect(result.error).toBeInstanceOf(AtlasCredentialsRefusedError);
      expect(result.error?.message).toContain(SECRET_ID);
      expect(result.error?.message).not.toContain("very-private-value");
      expect(samples).toEqual([expect.objectContaining({ status, credentialsRefused: true })]);
    },
  );

  it("a re-read secret that Atlas accepts goes on as usual", async () => {
    const { deps, refreshes } = harness(
      { status: 401, body: error(401) },
      { status: 200, body: { statusName: "INITIATING" } },
    );
    const result = await callAtlas(deps, call(), PATCH, 1_000);
    expect(refreshes).toEqual([false, true]);
    expect(result.outcome).toMatchObject({ kind: "peer" });
  });

  it("any other 403 is Atlas refusing the change (the project forbids it), not the gateway's credentials", async () => {
    const { deps, refreshes, samples } = harness({ status: 403, body: error(403, "FEATURE_UNSUPPORTED") });
    const result = await callAtlas(deps, call(), PATCH, 1_000);
    expect(refreshes).toEqual([false]);
    expect(result.error).toBeUndefined();
    expect(result.outcome).toMatchObject({
      kind: "refused",
      httpStatus: 403,
      errorCode: "FEATURE_UNSUPPORTED",
    });
    expect(samples[0]?.credentialsRefused).toBeUndefined();
  });

  it("names the project when the credential source does not say which secret it read", async () => {
    const error = new AtlasCredentialsRefusedError("5f1e2d3c4b5a69788796a5b4", 401);
    expect(error.message).toContain("5f1e2d3c4b5a69788796a5b4");
    expect(error).toMatchObject({ kind: "misconfigured", code: "atlas-credentials-refused" });
  });
});
