import { afterEach, describe, expect, it } from "vitest";
import { type AtlasSimulator, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import {
  awsPeering,
  changeApi,
  patchesTo,
  stackOptions,
  startFastSimulator,
  Transcript,
  until,
} from "./support/gatewayE2e.js";

/**
 * Atlas refusing the gateway's own keys (401, or the key's IP access list: 403) is the gateway's problem, not
 * the caller's: a 502 problem naming the gateway's credentials, the change kept RETRYING until the secret is
 * fixed, never Atlas's 401/403 passed through (a drop-in caller would read it as "your token is bad").
 */

const TOKEN = "e2e-credentials-token-9c8b7a6d";
const WRONG_PRIVATE_KEY = "00000000-wrong-private-key-000000000000";
let sim: AtlasSimulator;
let stack: LocalStack;
const transcript = new Transcript();

async function start(privateKey: string) {
  sim = await startFastSimulator({ stepMs: 60_000 });
  stack = await startLocalStack(
    stackOptions(sim, {
      devToken: TOKEN,
      atlas: { baseUrl: sim.url, publicKey: DEMO_PUBLIC_KEY, privateKey },
    }),
  );
  return changeApi(stack.gatewayUrl, TOKEN, transcript);
}
afterEach(async () => {
  await stack.close();
  await sim.close();
});

async function patchPeer() {
  const { groupId, peers } = sim.demo;
  const answer = await transcript.fetch(
    `${stack.gatewayUrl}/api/atlas/v2/groups/${groupId}/peers/${peers.aws.peerId}`,
    {
      method: "PATCH",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(awsPeering(sim, "10.9.0.0/21")),
    },
  );
  return { ...answer, changeId: answer.headers.get("x-change-request-id") ?? "" };
}

function expectCredentialsProblem(answer: Awaited<ReturnType<typeof patchPeer>>) {
  expect(answer.status).toBe(502);
  // Under /api/atlas/ the gateway's own errors are Atlas-shaped JSON (an SDK decodes them), problem members kept.
  expect(answer.headers.get("content-type")).toContain("application/json");
  expect(answer.body).toMatchObject({
    type: "https://atlas-peering-gateway.dev/problems/atlas-credentials-refused",
    status: 502,
    error: 502,
    errorCode: "GATEWAY_ATLAS_CREDENTIALS_REFUSED",
  });
  expect(answer.body.detail).toContain("gateway's Atlas credentials");
  expect(answer.body.detail).toContain(sim.demo.groupId);
  expect(answer.body.detail).toMatch(/secret atlas-peering-gateway\/local\/atlas\b/);
  expect(answer.headers.get("www-authenticate")).toBeNull();
}

describe("Atlas refusing the gateway's own credentials, over real sockets", () => {
  it("answers 502 on a 401 that outlasts the re-read of the secret, keeps RETRYING, and resumes once it is fixed", async () => {
    const api = await start(WRONG_PRIVATE_KEY);
    const answer = await patchPeer();
    expectCredentialsProblem(answer);
    expect(answer.body.atlas).toMatchObject({ httpStatus: 401 });
    expect(answer.text).not.toContain(WRONG_PRIVATE_KEY);
    expect(await api.get(answer.changeId)).toMatchObject({ state: "RETRYING", atlas: { httpStatus: 401 } });
    // An operator fixes the secret: the next re-check reads it afresh after Atlas's 401 and the PATCH goes through.
    const secret = { publicKey: DEMO_PUBLIC_KEY, privateKey: DEMO_PRIVATE_KEY, baseUrl: sim.url };
    stack.cloud.secretsManager.put(stack.cloud.names.atlasSecret, JSON.stringify(secret));
    const resumed = await until(
      () => api.get(answer.changeId),
      (c) => c.state !== "RETRYING",
    );
    expect(resumed.state).toBe("IN_PROGRESS");
  });

  it("treats Atlas's IP access-list refusal (403 IP_ADDRESS_NOT_ON_WHITELIST) as the gateway's credentials", async () => {
    const api = await start(DEMO_PRIVATE_KEY);
    // Refused before and after the re-read of the secret; then the access list is fixed.
    sim.faults.inject({
      status: 403,
      errorCode: "IP_ADDRESS_NOT_ON_WHITELIST",
      count: 2,
      match: { method: "PATCH" },
    });
    const answer = await patchPeer();
    expectCredentialsProblem(answer);
    expect(answer.body.atlas).toMatchObject({ httpStatus: 403, errorCode: "IP_ADDRESS_NOT_ON_WHITELIST" });
    expect(patchesTo(sim, sim.demo.peers.aws.peerId)).toHaveLength(2);
    expect(await api.get(answer.changeId)).toMatchObject({
      state: "RETRYING",
      atlas: { httpStatus: 403, errorCode: "IP_ADDRESS_NOT_ON_WHITELIST" },
    });
    const resumed = await until(
      () => api.get(answer.changeId),
      (c) => c.state !== "RETRYING",
    );
    expect(resumed.state).toBe("IN_PROGRESS");
  });
});
