import { describe, expect, it } from "vitest";
import type { CallerRegistry } from "../../../../src/access/callers.js";
import { hashToken } from "../../../../src/access/signature.js";
import { newChange } from "../../../../src/domain/change/newChange.js";
import { type HttpHandlerDeps, makeHttpHandler } from "../../../../src/lambda/httpHandler.js";
import { GROUP_A, GROUP_B, PEER_1, PEER_2 } from "../../../helpers/callers.js";
import { fakeChangeDeps, TEST_CADENCE } from "../../../helpers/changeDeps.js";
import { apiEvent, lambdaContext } from "../../../helpers/events.js";
import { MemoryReplayGuard } from "../../../helpers/memoryAudit.js";

/** Issue 12 item 3: no listing tells a caller anything of a project (or peer) it is not granted. */

const TOKENS = {
  ops: "test-token-enum-ops-0a1b2c3d",
  twin: "test-token-enum-twin-4e5f6a7b",
  narrow: "test-token-enum-narrow-8c9d0e",
  outsider: "test-token-enum-outsider-1f2a",
} as const;
const T0 = 1_764_331_200_000;

/** ops (GROUP_B too) and twin may read all of GROUP_A; narrow only PEER_1 of it; outsider only GROUP_B. */
function registry(): CallerRegistry {
  const caller = (id: keyof typeof TOKENS, projects: CallerRegistry["callers"][number]["projects"]) => ({
    id,
    tokenSha256: [hashToken(TOKENS[id])],
    signingSecrets: [],
    projects,
  });
  return {
    callers: [
      caller("ops", [{ groupId: GROUP_A }, { groupId: GROUP_B }]),
      caller("twin", [{ groupId: GROUP_A, access: "read" }]),
      caller("narrow", [{ groupId: GROUP_A, peerIds: [PEER_1] }]),
      caller("outsider", [{ groupId: GROUP_B }]),
    ],
  };
}

/** Three changes and three audit records of GROUP_A, alternating PEER_1 and PEER_2, one a ms apart. */
async function setup() {
  const fake = fakeChangeDeps({ registry: registry(), now: T0 + 60_000 });
  for (const [i, peerId] of [PEER_1, PEER_2, PEER_1].entries()) {
    const data = {
      ...{ id: `chg-seed-${i}`, callerId: "ops", channel: "http" as const, groupId: GROUP_A, peerId },
      ...{ provider: "AWS" as const, operation: "update" as const, apiVersion: "v2" as const, query: {} },
      desired: "{}",
    };
    await fake.store.seed(newChange(data, T0 + i, TEST_CADENCE, T0 + i));
    await fake.audit.record({
      id: `aud-${i}`,
      at: T0 + i,
      requestId: `r${i}`,
      channel: "http",
      outcome: "accepted",
      groupId: GROUP_A,
      peerId,
    });
  }
  const deps: HttpHandlerDeps = {
    ...fake.deps,
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    replay: new MemoryReplayGuard(),
    slackSigningSecrets: async () => [],
  };
  const handler = makeHttpHandler(deps);
  const get = async (path: string, token: keyof typeof TOKENS, query: string) => {
    const event = apiEvent({
      method: "GET",
      path,
      query,
      headers: { authorization: `Bearer ${TOKENS[token]}` },
    });
    const result = await handler(event, lambdaContext);
    return { status: result.statusCode, body: JSON.parse(result.body ?? "{}") };
  };
  return { get, fake };
}

const CHANGES = "/v1/peering-changes";
const AUDIT = "/v1/audit";
const since = "since=2025-01-01T00:00:00Z";

describe("a caller not granted the project", () => {
  it("gets 403 on the change listing and on the audit trail, and the stores are never asked", async () => {
    const { get, fake } = await setup();
    let asked = 0;
    const changes0 = fake.store.list.bind(fake.store);
    const audit0 = fake.audit.list.bind(fake.audit);
    fake.store.list = (query) => {
      asked++;
      return changes0(query);
    };
    fake.audit.list = (query) => {
      asked++;
      return audit0(query);
    };
    const changes = await get(CHANGES, "outsider", `groupId=${GROUP_A}&limit=1`);
    const audit = await get(AUDIT, "outsider", `groupId=${GROUP_A}&limit=1`);
    for (const answer of [changes, audit]) {
      expect(answer.status).toBe(403);
      expect(answer.body).not.toHaveProperty("cursor");
      expect(answer.body).not.toHaveProperty("items");
    }
    expect(asked).toBe(0);
  });

  it("gets 403 for a peer outside its grants, not an empty page", async () => {
    const { get } = await setup();
    expect((await get(CHANGES, "narrow", `groupId=${GROUP_A}&peerId=${PEER_2}`)).status).toBe(403);
    expect((await get(CHANGES, "narrow", `groupId=${GROUP_A}&peerId=${PEER_1}`)).status).toBe(200);
  });
});

describe("list cursors are sealed to the caller and the query", () => {
  for (const [path, query] of [
    [CHANGES, `groupId=${GROUP_A}`],
    [AUDIT, `groupId=${GROUP_A}&${since}`],
  ] as const) {
    it(`${path}: pages on for its caller, and is 400 for another caller, query or a tampered copy`, async () => {
      const { get } = await setup();
      const first = await get(path, "ops", `${query}&limit=1`);
      const cursor: string = first.body.cursor;
      expect(cursor).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      // Not the store's raw position (a page offset in the fakes), and sealed afresh each time (random IV).
      // (Not a substring check: "MQ", the base64url of "1", turns up by chance in about one random cursor in 60.)
      expect(Buffer.from(cursor, "base64url").toString("utf8")).not.toMatch(/^\d+$/);
      expect(cursor.length).toBeGreaterThan(Buffer.from("1").toString("base64url").length);
      expect((await get(path, "ops", `${query}&limit=1`)).body.cursor).not.toBe(cursor);
      const next = await get(path, "ops", `${query}&limit=1&cursor=${cursor}`);
      expect(next.status).toBe(200);
      expect(next.body.items).toHaveLength(1);
      expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
      const tampered = `${cursor.slice(0, 20)}${cursor[20] === "A" ? "B" : "A"}${cursor.slice(21)}`;
      const refusals = [
        await get(path, "twin", `${query}&limit=1&cursor=${cursor}`),
        await get(path, "ops", `${query.replace(GROUP_A, GROUP_B)}&limit=1&cursor=${cursor}`),
        await get(path, "ops", `${query}&limit=1&cursor=${tampered}`),
        await get(path, "ops", `${query}&limit=1&cursor=2`),
      ];
      for (const refused of refusals) {
        expect(refused.status).toBe(400);
        expect(refused.body.errors).toEqual([
          { path: "query.cursor", message: "is not a cursor this listing returned" },
        ]);
      }
    });
  }

  it("binds the change filters: the same cursor with another peerId or state is refused", async () => {
    const { get } = await setup();
    const first = await get(CHANGES, "ops", `groupId=${GROUP_A}&peerId=${PEER_1}&limit=1`);
    const cursor = first.body.cursor;
    expect((await get(CHANGES, "ops", `groupId=${GROUP_A}&limit=1&cursor=${cursor}`)).status).toBe(400);
    const state = `groupId=${GROUP_A}&peerId=${PEER_1}&state=RETRYING&limit=1&cursor=${cursor}`;
    expect((await get(CHANGES, "ops", state)).status).toBe(400);
    const same = `groupId=${GROUP_A}&peerId=${PEER_1}&limit=5&cursor=${cursor}`;
    expect((await get(CHANGES, "ops", same)).status).toBe(200);
  });

  it("binds the audit's since as sent; a cursor of one listing is not one of the other", async () => {
    const { get } = await setup();
    const audit = (await get(AUDIT, "ops", `groupId=${GROUP_A}&${since}&limit=1`)).body.cursor;
    const moved = `groupId=${GROUP_A}&since=2025-02-01T00:00:00Z&limit=1&cursor=${audit}`;
    expect((await get(AUDIT, "ops", moved)).status).toBe(400);
    expect((await get(CHANGES, "ops", `groupId=${GROUP_A}&limit=1&cursor=${audit}`)).status).toBe(400);
    // Without since (the moving 30-day default) the next page is still the same query.
    const open = (await get(AUDIT, "ops", `groupId=${GROUP_A}&limit=1`)).body.cursor;
    expect((await get(AUDIT, "ops", `groupId=${GROUP_A}&limit=1&cursor=${open}`)).status).toBe(200);
  });
});

describe("a caller granted some peers of the project", () => {
  it("pages through the audit trail seeing only its peer, with cursors that say nothing of the others", async () => {
    const { get } = await setup();
    const seen: string[] = [];
    const cursors: string[] = [];
    let query = `groupId=${GROUP_A}&${since}&limit=1`;
    for (let page = 0; page < 5; page++) {
      const answer = await get(AUDIT, "narrow", query);
      expect(answer.status).toBe(200);
      seen.push(...answer.body.items.map((r: { peerId: string }) => r.peerId));
      if (!answer.body.cursor) break;
      cursors.push(answer.body.cursor);
      query = `groupId=${GROUP_A}&${since}&limit=1&cursor=${answer.body.cursor}`;
    }
    expect(seen).toEqual([PEER_1, PEER_1]);
    // The page that skipped PEER_2's record hands back a cursor like any other: nothing readable in it.
    expect(cursors).toHaveLength(2);
    expect(new Set(cursors.map((c) => c.length)).size).toBe(1);
    // ops's cursor is no good to narrow, even for the records narrow may see.
    const ops = (await get(AUDIT, "ops", `groupId=${GROUP_A}&${since}&limit=1`)).body.cursor;
    expect((await get(AUDIT, "narrow", `groupId=${GROUP_A}&${since}&limit=1&cursor=${ops}`)).status).toBe(
      400,
    );
  });
});
