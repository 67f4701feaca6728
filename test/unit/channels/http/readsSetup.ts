import type { CallerRegistry } from "../../../../src/access/callers.js";
import { hashToken } from "../../../../src/access/signature.js";
import { type HttpHandlerDeps, makeHttpHandler } from "../../../../src/lambda/httpHandler.js";
import type { AtlasCredentialSource } from "../../../../src/ports/AtlasCredentialSource.js";
import { GROUP_A, PEER_1, PEER_2 } from "../../../helpers/callers.js";
import { fakeChangeDeps } from "../../../helpers/changeDeps.js";
import { apiEvent, lambdaContext } from "../../../helpers/events.js";
import { FakeAtlas, RotatingCredentials } from "../../../helpers/fakes.js";
import { MemoryReplayGuard } from "../../../helpers/memoryAudit.js";

/** Shared by the read-route tests: callers with each kind of grant, a fake Atlas, and a handler over them. */

export const KEYS = { kind: "apiKey" as const, publicKey: "pubkey01", privateKey: "test-private-key-0001" };
export const PEER_3 = "6a0b1c2d3e4f5a6b7c8d9e11";
export const TOKENS = {
  ops: "test-token-reads-ops-0a1b2c3d",
  viewer: "test-token-reads-viewer-4e5f6a",
  narrow: "test-token-reads-narrow-7b8c9d",
} as const;

/** ops may change GROUP_A; viewer may only read it; narrow may change PEER_1 of it and nothing else. */
export function readsRegistry(): CallerRegistry {
  const caller = (id: keyof typeof TOKENS, projects: CallerRegistry["callers"][number]["projects"]) => ({
    id,
    tokenSha256: [hashToken(TOKENS[id])],
    signingSecrets: [],
    projects,
  });
  return {
    callers: [
      caller("ops", [{ groupId: GROUP_A }]),
      caller("viewer", [{ groupId: GROUP_A, access: "read" }]),
      caller("narrow", [{ groupId: GROUP_A, peerIds: [PEER_1] }]),
    ],
  };
}

export const V2 = "application/vnd.atlas.2023-01-01+json";
export const peerPath = (peerId = PEER_1, version = "v2") =>
  `/api/atlas/${version}/groups/${GROUP_A}/peers/${peerId}`;
export const listPath = (version = "v2") => `/api/atlas/${version}/groups/${GROUP_A}/peers`;

const peer = (id: string) => ({
  id,
  providerName: "AWS",
  statusName: "AVAILABLE",
  vpcId: "vpc-0123456789abcdef0",
});

/** A page of three AWS peers as Atlas answers it, with a next link. */
export const THREE_PEERS = {
  links: [
    { href: `https://cloud.mongodb.com${listPath()}?pageNum=1&itemsPerPage=3`, rel: "self" },
    { href: `https://cloud.mongodb.com${listPath()}?pageNum=2&itemsPerPage=3`, rel: "next" },
  ],
  results: [peer(PEER_1), peer(PEER_2), peer(PEER_3)],
  totalCount: 7,
};

/** A handler over fakes; Atlas answers a peer read with `PEER_1` and a list read with {@link THREE_PEERS}. */
export function readsSetup(credentials: AtlasCredentialSource = new RotatingCredentials(KEYS)) {
  const atlas = new FakeAtlas();
  const headers = {
    "content-type": V2,
    "ratelimit-limit": "100",
    "ratelimit-remaining": "97",
    server: "atlas",
  };
  const current = { status: 200, body: JSON.stringify(peer(PEER_1)), headers };
  atlas.current = current;
  atlas.list = { status: 200, body: JSON.stringify(THREE_PEERS), headers };
  const fake = fakeChangeDeps({ atlas, credentials, registry: readsRegistry() });
  const deps: HttpHandlerDeps = {
    ...fake.deps,
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    replay: new MemoryReplayGuard(),
    slackSigningSecrets: async () => [],
  };
  const handler = makeHttpHandler(deps);
  const send = (
    method: string,
    path: string,
    options: { token?: string; query?: string; body?: string } = {},
  ) =>
    handler(
      apiEvent({
        method,
        path,
        headers: { authorization: `Bearer ${options.token ?? TOKENS.ops}` },
        ...(options.query === undefined ? {} : { query: options.query }),
        ...(options.body === undefined ? {} : { body: options.body }),
      }),
      lambdaContext,
    );
  return { atlas, send, ...fake };
}
