import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChangeTable } from "../../src/adapters/aws/dynamodb/createTable.js";
import { DynamoDbChangeStore } from "../../src/adapters/aws/dynamodb/DynamoDbChangeStore.js";
import { DynamoDbDriftStore } from "../../src/adapters/aws/dynamodb/DynamoDbDriftStore.js";
import type { ChangeRecord } from "../../src/domain/change/ChangeRecord.js";
import type { PeerCall } from "../../src/ports/AtlasPeeringApi.js";
import { AtlasBudgetEmptyError } from "../../src/ports/AtlasRateBudget.js";
import { checkDrift } from "../../src/usecases/checkDrift.js";
import { fakeChangeDeps } from "../helpers/changeDeps.js";
import { FakeAtlas } from "../helpers/fakes.js";
import { type LocalDynamo, startDynalite } from "./support/dynalite.js";

/**
 * The drift check's storage against dynalite: a change entering SUCCEEDED leaves its peering's baseline in
 * the same write, the newest settled change wins, a run is taken by one sweeper per interval, and a run reads
 * at most its limit of peerings (one Atlas GET each), the longest-unchecked first.
 */

const T0 = 1_764_331_200_000;
const GROUP = "5f1e2d3c4b5a69788796a5b4";
const DESIRED = '{"routeTableCidrBlock":"10.15.0.0/24"}';
let dynamo: LocalDynamo;
let tableCount = 0;

function change(id: string, peerId: string, at = T0): ChangeRecord {
  return {
    id,
    version: 1,
    callerId: "ci-pipeline",
    channel: "http",
    operation: "update",
    groupId: GROUP,
    peerId,
    provider: "AWS",
    apiVersion: "v2",
    query: {},
    desired: DESIRED,
    state: "IN_PROGRESS",
    atlas: {},
    attempt: 1,
    waitingChecks: 0,
    deadline: at + 3_600_000,
    history: [],
    createdAt: at,
    updatedAt: at,
  };
}

const succeeded = (c: ChangeRecord, at: number): ChangeRecord => ({
  ...c,
  version: c.version + 1,
  state: "SUCCEEDED",
  updatedAt: at,
  expiresAt: Math.floor(at / 1000) + 90 * 86_400,
});

async function stores() {
  const tableName = `drift-${++tableCount}`;
  await ensureChangeTable(dynamo.client, tableName);
  return {
    changes: new DynamoDbChangeStore({ client: dynamo.doc, tableName }),
    drift: new DynamoDbDriftStore({ client: dynamo.doc, tableName }),
  };
}

/** Records `id` on `peerId` and settles it at `at`. */
async function settle(changes: DynamoDbChangeStore, id: string, peerId: string, at: number) {
  const created = change(id, peerId, at - 1_000);
  await changes.createChange(created, { nowSeconds: 0 });
  expect(await changes.update(succeeded(created, at), 1, undefined, { settled: true })).toBe(true);
  await changes.releasePeerLock(GROUP, peerId, id);
}

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.close();
});

describe("DynamoDbDriftStore", () => {
  it("gets a baseline only from a write that asks for it, and the newest settled change replaces it", async () => {
    const { changes, drift } = await stores();
    const other = change("c0", "peer-b");
    await changes.createChange(other, { nowSeconds: 0 });
    await changes.update(succeeded(other, T0), 1);
    expect(await drift.oldestChecked(T0 + 10_000, 10)).toEqual([]);

    await settle(changes, "c1", "peer-a", T0 + 1_000);
    const [first] = await drift.oldestChecked(T0 + 10_000, 10);
    expect(first).toMatchObject({ peerId: "peer-a", changeId: "c1", checkedAt: T0 + 1_000, revision: 1 });
    await settle(changes, "c2", "peer-a", T0 + 2_000);
    const after = await drift.oldestChecked(T0 + 10_000, 10);
    expect(after.map((s) => s.changeId)).toEqual(["c2"]);
    // A check that read the first baseline loses its condition: it must not overwrite the newer one.
    if (!first) throw new Error("no baseline");
    expect(await drift.recordCheck(first, { ...first, checkedAt: T0 + 3_000, revision: 2 })).toBe(false);
    expect((await drift.oldestChecked(T0 + 10_000, 10))[0]?.changeId).toBe("c2");
  });

  it("lets one of many concurrent sweepers take a run, and the next only after the interval", async () => {
    const { drift } = await stores();
    const taken = await Promise.all(Array.from({ length: 6 }, () => drift.claimRun(T0, 60_000)));
    expect(taken.filter(Boolean)).toHaveLength(1);
    expect(await drift.claimRun(T0 + 59_999, 60_000)).toBe(false);
    expect(await drift.claimRun(T0 + 60_000, 60_000)).toBe(true);
  });
});

describe("checkDrift", () => {
  it("reads at most its limit of peerings per run, the longest-unchecked first, one GET each", async () => {
    const { changes, drift } = await stores();
    for (const [i, peer] of ["p1", "p2", "p3"].entries()) await settle(changes, `c-${peer}`, peer, T0 + i);
    const atlas = new FakeAtlas();
    atlas.current = {
      status: 200,
      body: JSON.stringify({ statusName: "AVAILABLE", routeTableCidrBlock: "10.15.0.0/24" }),
    };
    const { deps, advance } = fakeChangeDeps({ atlas, now: T0 + 10_000 });
    const run = (d: typeof deps) =>
      checkDrift(
        { ...d, store: changes },
        { store: drift, everyMs: 60_000, limit: 2 },
        Number.MAX_SAFE_INTEGER,
      );

    const first = await run(deps);
    expect(first.results.map((r) => [r.peerId, r.outcome])).toEqual([
      ["p1", "in sync"],
      ["p2", "in sync"],
    ]);
    expect(atlas.calls.map((c) => c.call.peerId)).toEqual(["p1", "p2"]);
    // Not due again within the interval: nothing is read.
    expect((await run(deps)).ran).toBe(false);
    advance(60_000);
    const second = await run(deps);
    expect(second.results.map((r) => r.peerId)).toEqual(["p3", "p1"]);
    expect(atlas.calls).toHaveLength(4);
  });

  it("stops the run when the shared Atlas budget is spent, leaving the rest for the next", async () => {
    const { changes, drift } = await stores();
    for (const [i, peer] of ["p1", "p2", "p3"].entries()) await settle(changes, `c-${peer}`, peer, T0 + i);
    const atlas = new FakeAtlas();
    const reads: string[] = [];
    atlas.getPeer = async (_keys: unknown, call: PeerCall) => {
      reads.push(call.peerId);
      throw new AtlasBudgetEmptyError(T0 + 20_000, T0 + 10_000);
    };
    const { deps } = fakeChangeDeps({ atlas, now: T0 + 10_000 });
    const limits = { store: drift, everyMs: 60_000, limit: 3 };
    const run = await checkDrift({ ...deps, store: changes }, limits, Number.MAX_SAFE_INTEGER);
    expect(reads).toEqual(["p1"]);
    expect(run.results).toEqual([]);
    // Nothing was marked checked: p1 is still the first in line.
    expect((await drift.oldestChecked(T0 + 10_000, 1))[0]?.peerId).toBe("p1");
  });
});
