import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { hashToken } from "../../src/access/signature.js";
import { encodeCursor } from "../../src/adapters/aws/dynamodb/cursor.js";
import { projectSortKey } from "../../src/adapters/aws/dynamodb/table.js";
import { newChange } from "../../src/domain/change/newChange.js";
import { stackOptions, startFastSimulator, Transcript } from "./support/gatewayE2e.js";

/**
 * Issue 12 item 3 over real sockets: the local stack (production wiring, DynamoDB on dynalite, the cursor key
 * from its Secrets Manager) seals list cursors so they name no change or record and serve only their caller.
 */
const GROUP = "5a5a5a5a5a5a5a5a5a5a5a5a";
const OTHER_GROUP = "6b6b6b6b6b6b6b6b6b6b6b6b";
const PEERS = ["7c7c7c7c7c7c7c7c7c7c7c01", "7c7c7c7c7c7c7c7c7c7c7c02", "7c7c7c7c7c7c7c7c7c7c7c03"] as const;
const TOKENS = {
  ops: "e2e-enum-ops-01",
  twin: "e2e-enum-twin-02",
  narrow: "e2e-enum-narrow-3",
  outsider: "e2e-enum-out-4",
};
const T0 = Date.now() - 60_000;

let sim: AtlasSimulator;
let local: LocalStack;
let dir: string;
const transcript = new Transcript();

beforeAll(async () => {
  sim = await startFastSimulator();
  dir = await mkdtemp(join(tmpdir(), "gw-enum-"));
  const callersFile = join(dir, "callers.json");
  const caller = (id: keyof typeof TOKENS, projects: object[]) => ({
    id,
    tokenSha256: [hashToken(TOKENS[id])],
    projects,
  });
  const callers = [
    caller("ops", [{ groupId: "*" }]),
    caller("twin", [{ groupId: GROUP, access: "read" }]),
    caller("narrow", [{ groupId: GROUP, peerIds: [PEERS[0]] }]),
    caller("outsider", [{ groupId: OTHER_GROUP }]),
  ];
  await writeFile(callersFile, JSON.stringify({ callers }));
  local = await startLocalStack(stackOptions(sim, { callersFile }));
  for (const [i, peerId] of PEERS.entries()) {
    const data = {
      ...{ id: `chg-enum-${i}`, callerId: "ops", channel: "http" as const, groupId: GROUP, peerId },
      ...{ provider: "AWS" as const, operation: "update" as const, apiVersion: "v2" as const, query: {} },
      desired: "{}",
    };
    const change = { ...newChange(data, T0 + i, local.deps.cadence, T0 + i), state: "SUCCEEDED" as const };
    await local.deps.store.createChange(change, { nowSeconds: Math.floor(T0 / 1000) });
    const peer = i === 1 ? PEERS[1] : PEERS[0];
    await local.deps.audit.record({
      id: `aud-enum-${i}`,
      at: T0 + i,
      requestId: `r${i}`,
      channel: "http",
      outcome: "accepted",
      groupId: GROUP,
      peerId: peer,
    });
  }
});
afterAll(async () => {
  await local?.close();
  await sim?.close();
  if (dir) await rm(dir, { recursive: true });
});

const get = (path: string, who: keyof typeof TOKENS) =>
  transcript.fetch(`${local.gatewayUrl}${path}`, { headers: { authorization: `Bearer ${TOKENS[who]}` } });

/** Everything a cursor could be read as: its bytes, and those bytes read as base64url once more. */
function readings(cursor: string): string {
  const bytes = Buffer.from(cursor, "base64url");
  return [
    cursor,
    bytes.toString("latin1"),
    Buffer.from(bytes.toString("latin1"), "base64url").toString("latin1"),
  ].join("\n");
}

describe("list cursors over real sockets", () => {
  it("decode to nothing readable, page on for their caller, and are 400 for another caller", async () => {
    const first = await get(`/v1/peering-changes?groupId=${GROUP}&limit=1`, "ops");
    expect(first.status).toBe(200);
    expect(first.body.items.map((c: { id: string }) => c.id)).toEqual(["chg-enum-2"]);
    const cursor: string = first.body.cursor;
    const raw = encodeCursor(projectSortKey(T0 + 2, "chg-enum-2"));
    expect(cursor).not.toBe(raw);
    for (const part of ["chg-enum", String(T0 + 2), GROUP, "after", raw])
      expect(readings(cursor)).not.toContain(part);
    const next = await get(`/v1/peering-changes?groupId=${GROUP}&limit=1&cursor=${cursor}`, "ops");
    expect(next.body.items.map((c: { id: string }) => c.id)).toEqual(["chg-enum-1"]);
    const stolen = await get(`/v1/peering-changes?groupId=${GROUP}&limit=1&cursor=${cursor}`, "twin");
    expect(stolen.status).toBe(400);
    expect(stolen.body.errors).toEqual([
      { path: "query.cursor", message: "is not a cursor this listing returned" },
    ]);
    // The store's own (unsealed) cursor, which the gateway handed out before, is refused too.
    expect((await get(`/v1/peering-changes?groupId=${GROUP}&limit=1&cursor=${raw}`, "ops")).status).toBe(400);
  });

  it("a peer-limited caller pages the audit trail seeing its peer only; its cursors name nothing", async () => {
    let path = `/v1/audit?groupId=${GROUP}&limit=1`;
    const seen: string[] = [];
    for (let page = 0; page < 10; page++) {
      const answer = await get(path, "narrow");
      expect(answer.status).toBe(200);
      seen.push(...answer.body.items.map((r: { id: string; peerId?: string }) => `${r.id}:${r.peerId}`));
      if (!answer.body.cursor) break;
      for (const part of ["aud-enum", "AUDIT", GROUP, String(T0)])
        expect(readings(answer.body.cursor)).not.toContain(part);
      path = `/v1/audit?groupId=${GROUP}&limit=1&cursor=${answer.body.cursor}`;
    }
    expect(seen).toEqual([`aud-enum-2:${PEERS[0]}`, `aud-enum-0:${PEERS[0]}`]);
    const ops = await get(`/v1/audit?groupId=${GROUP}&limit=1`, "ops");
    const reused = await get(`/v1/audit?groupId=${GROUP}&limit=1&cursor=${ops.body.cursor}`, "narrow");
    expect(reused.status).toBe(400);
  });

  it("a caller not granted the project gets 403 on both listings, with no cursor", async () => {
    for (const path of [
      `/v1/peering-changes?groupId=${GROUP}&limit=1`,
      `/v1/audit?groupId=${GROUP}&limit=1`,
    ]) {
      const answer = await get(path, "outsider");
      expect(answer.status).toBe(403);
      expect(answer.text).not.toContain("cursor");
    }
  });
});
