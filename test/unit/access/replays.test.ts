import { describe, expect, it } from "vitest";
import { authenticate } from "../../../src/access/authenticate.js";
import { signedRequestKey, signRequest } from "../../../src/access/signature.js";
import { type HttpHandlerDeps, makeHttpHandler } from "../../../src/lambda/httpHandler.js";
import type { ReplayGuard } from "../../../src/ports/ReplayGuard.js";
import { GROUP_B, PEER_1, SIGNING_SECRETS, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { apiEvent, lambdaContext } from "../../helpers/events.js";
import { FakeAtlas } from "../../helpers/fakes.js";
import { MemoryReplayGuard } from "../../helpers/memoryAudit.js";

const NOW = 1_764_331_200_000;
const PATH = "/v1/peering-changes";
const BODY = JSON.stringify({
  groupId: GROUP_B,
  peerId: PEER_1,
  peering: {
    accepterRegionName: "us-east-1",
    awsAccountId: "123456789012",
    containerId: "5e57d85c854180642f7844bf",
    routeTableCidrBlock: "10.15.0.0/16",
    vpcId: "vpc-0123456789abcdef0",
  },
});
const PEER_OK = JSON.stringify({ id: PEER_1, providerName: "AWS", statusName: "INITIATING" });

/** The parts a signature covers, signed now; `A` and `B` are one request signed with each of two secrets. */
function rotatingSignatures(timestamp = String(NOW / 1000)) {
  const parts = { timestamp, method: "POST", pathWithQuery: PATH, body: BODY };
  const A = signRequest(SIGNING_SECRETS.bot, parts);
  const B = signRequest(SIGNING_SECRETS.botNext, parts);
  return { A, B, timestamp };
}

/** A guard that also keeps every key it was handed, to check what it is told. */
class RecordingGuard implements ReplayGuard {
  readonly keys: string[] = [];
  private readonly inner = new MemoryReplayGuard();
  firstSeen(key: string, expiresAtSeconds: number, nowSeconds: number): Promise<boolean> {
    this.keys.push(key);
    return this.inner.firstSeen(key, expiresAtSeconds, nowSeconds);
  }
}

function setup() {
  const atlas = new FakeAtlas({
    status: 200,
    body: PEER_OK,
    headers: { "content-type": "application/json" },
  });
  const fake = fakeChangeDeps({ atlas, now: NOW });
  const replay = new RecordingGuard();
  const deps: HttpHandlerDeps = {
    ...fake.deps,
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    replay,
    slackSigningSecrets: async () => [],
  };
  const handler = makeHttpHandler(deps);
  const send = async (signature: string, timestamp = String(NOW / 1000)) => {
    const headers = {
      "x-gateway-caller": "chatops",
      "x-gateway-timestamp": timestamp,
      "x-gateway-signature": signature,
    };
    const result = await handler(
      apiEvent({ method: "POST", path: PATH, headers, body: BODY }),
      lambdaContext,
    );
    return { status: result.statusCode, body: JSON.parse(result.body) };
  };
  return { atlas, replay, send, ...fake };
}

const patches = (atlas: FakeAtlas) => atlas.calls.filter((c) => c.method === "PATCH");

describe("a signed request carrying two signatures while secrets rotate", () => {
  it("is accepted once; no subset or reordering of its signature header is accepted again", async () => {
    const { atlas, send } = setup();
    const { A, B } = rotatingSignatures();
    expect((await send(`${A},${B}`)).status).toBe(202);
    for (const replay of [B, A, `${B},${A}`, `${A}, ${B}`, `${A},${A}`]) {
      const answer = await send(replay);
      expect(answer.status).toBe(401);
      expect(answer.body.detail).toBe("This signed request was already used; sign each request anew.");
    }
    expect(patches(atlas)).toHaveLength(1);
  });

  it("is refused when replayed with one signature after being sent with the other", async () => {
    const { atlas, send } = setup();
    const { A, B } = rotatingSignatures();
    expect((await send(B)).status).toBe(202);
    expect((await send(A)).status).toBe(401);
    expect(patches(atlas)).toHaveLength(1);
  });

  it("does not mistake the same body signed at another second for a replay", async () => {
    const { send } = setup();
    expect((await send(rotatingSignatures().A)).status).toBe(202);
    const later = String(NOW / 1000 + 1);
    const answer = await send(rotatingSignatures(later).A, later);
    // Not 401: it is a new request (refused only because the first change is still in flight).
    expect(answer.status).toBe(409);
  });

  it("hands the guard the request's key with its window, never a signature or a secret", async () => {
    const { replay, send } = setup();
    const { A, B } = rotatingSignatures();
    await send(`${A},${B}`);
    await send(B);
    expect(replay.keys).toHaveLength(2);
    expect(replay.keys[0]).toBe(replay.keys[1]);
    const seen = replay.keys.join("\n");
    for (const secret of [A, B, A.slice(3), B.slice(3), SIGNING_SECRETS.bot, SIGNING_SECRETS.botNext])
      expect(seen).not.toContain(secret);
    expect(seen).not.toContain(BODY);
  });
});

describe("signedRequestKey", () => {
  const parts = { timestamp: "1764331200", method: "post", pathWithQuery: `${PATH}?a=1`, body: BODY };

  it("is what authenticate reports for a signed request, whichever of its signatures were sent", () => {
    const { A, B } = rotatingSignatures(parts.timestamp);
    const keys = [`${A},${B}`, B, `${B},${A}`].map((signature) => {
      const request = {
        method: "POST",
        pathWithQuery: PATH,
        rawBody: Buffer.from(BODY),
        headers: {
          "x-gateway-caller": "chatops",
          "x-gateway-timestamp": parts.timestamp,
          "x-gateway-signature": signature,
        },
      };
      return authenticate(request, testRegistry(), {
        nowSeconds: Number(parts.timestamp),
        toleranceSeconds: 300,
      }).signed;
    });
    const expected = signedRequestKey("chatops", { ...parts, pathWithQuery: PATH });
    expect(keys).toEqual(Array(3).fill({ replayKey: expected, timestampSeconds: Number(parts.timestamp) }));
  });

  it("differs when the caller, timestamp, method, path, query or body differs", () => {
    const base = signedRequestKey("chatops", parts);
    const variants = [
      signedRequestKey("chatops2", parts),
      signedRequestKey("chatops", { ...parts, timestamp: "1764331201" }),
      signedRequestKey("chatops", { ...parts, method: "PATCH" }),
      signedRequestKey("chatops", { ...parts, pathWithQuery: "/v1/peering-changes/x?a=1" }),
      signedRequestKey("chatops", { ...parts, pathWithQuery: `${PATH}?a=2` }),
      signedRequestKey("chatops", { ...parts, body: `${BODY} ` }),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    // Upper-cased as signed: `post` and `POST` are one request.
    expect(signedRequestKey("chatops", { ...parts, method: "POST" })).toBe(base);
  });

  it("cannot be shifted by a separator inside a part", () => {
    const one = signedRequestKey("a:1764331200", { ...parts, timestamp: "1" });
    const two = signedRequestKey("a", { ...parts, timestamp: "1764331200:1" });
    expect(one).not.toBe(two);
  });
});
