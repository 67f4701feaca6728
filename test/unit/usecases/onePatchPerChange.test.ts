import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import type { AtlasAnswer } from "../../../src/ports/AtlasPeeringApi.js";
import { AtlasUnavailableError } from "../../../src/ports/AtlasPeeringApi.js";
import { TransportError } from "../../../src/ports/HttpTransport.js";
import type { ChangeSubmission } from "../../../src/usecases/ChangeSubmission.js";
import { ChangeSendingError } from "../../../src/usecases/errors.js";
import { cancelChange } from "../../../src/usecases/manageChanges.js";
import { recheckChange } from "../../../src/usecases/recheckChange.js";
import { submitChange } from "../../../src/usecases/submitChange.js";
import { sweepOverdue } from "../../../src/usecases/sweepOverdue.js";
import { GROUP_A, PEER_1, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { FakeAtlas } from "../../helpers/fakes.js";

const caller = testRegistry().callers[0] as Caller;
const DESIRED = { vpcId: "vpc-0123456789abcdef0", awsAccountId: "123456789012" };
const FAR = Number.MAX_SAFE_INTEGER;
/** The http function's time budget: its PATCH's lease ends 15 s after it. */
const HTTP_BUDGET_MS = 27_500;

const submission: ChangeSubmission = {
  caller,
  channel: "http",
  call: { groupId: GROUP_A, peerId: PEER_1, apiVersion: "v2", query: {} },
  provider: "AWS",
  body: JSON.stringify(DESIRED),
  requestId: "req-1",
};
const peer = (statusName: string, settings: object = DESIRED) => ({
  status: 200,
  body: JSON.stringify({ id: PEER_1, providerName: "AWS", statusName, ...settings }),
});
/** Atlas may have read the PATCH, but no answer came back: the connection died, or time ran out. */
const noAnswer = (code: "ECONNRESET" | "UND_ERR_HEADERS_TIMEOUT") =>
  new AtlasUnavailableError(
    `Atlas could not be reached after 1 attempt(s) (${code}).`,
    undefined,
    1,
    undefined,
    {
      cause: new TransportError(`PATCH failed: ${code}`, { code, retryable: true }),
      mayHaveArrived: true,
    },
  );
const lostAnswer = () => noAnswer("ECONNRESET");
const timedOut = () => noAnswer("UND_ERR_HEADERS_TIMEOUT");

/** A FakeAtlas whose PATCHes are recorded, then answered by `answer` (a function may throw or wait). */
function atlasWith(
  answer: () => Promise<Partial<AtlasAnswer>>,
  ...gets: Array<{ status: number; body: string }>
) {
  const atlas = new FakeAtlas(...gets);
  const record = atlas.updatePeer.bind(atlas);
  atlas.updatePeer = async (...args) => {
    await record(...args);
    return { headers: {}, attempts: 1, latencyMs: 1, status: 200, body: "{}", ...(await answer()) };
  };
  return atlas;
}

const patches = (atlas: FakeAtlas) => atlas.calls.filter((c) => c.method === "PATCH").length;

describe("a PATCH whose answer was lost (it may have reached Atlas)", () => {
  it("is not sent again when the peer, read first, holds the settings: it is followed", async () => {
    const atlas = atlasWith(async () => Promise.reject(lostAnswer()), peer("INITIATING"));
    const { deps, time } = fakeChangeDeps({ atlas });
    const result = await submitChange(submission, deps, time() + HTTP_BUDGET_MS);
    expect(result.change).toMatchObject({ state: "IN_PROGRESS" });
    expect(result).toMatchObject({ kind: "created", answer: { status: 200 } });
    expect(result.change).not.toHaveProperty("leaseUntil");
    expect(patches(atlas)).toBe(1);
  });

  it("is sent again once, after reading the peer, when its connection died before it could land", async () => {
    let lose = true;
    const atlas = atlasWith(
      async () => {
        if (!lose) return { body: JSON.stringify({ statusName: "INITIATING" }) };
        lose = false;
        return Promise.reject(lostAnswer());
      },
      peer("AVAILABLE", {}),
    );
    const { deps, time } = fakeChangeDeps({ atlas });
    const result = await submitChange(submission, deps, time() + HTTP_BUDGET_MS);
    expect(result.change).toMatchObject({ state: "IN_PROGRESS" });
    expect(atlas.calls.map((c) => c.method)).toEqual(["GET", "PATCH", "GET", "PATCH"]);
  });

  it("that timed out keeps its lease (it may still land), and is sent again only after the lease, once", async () => {
    let lose = true;
    const atlas = atlasWith(
      async () =>
        lose ? Promise.reject(timedOut()) : { body: JSON.stringify({ statusName: "INITIATING" }) },
      peer("AVAILABLE", {}),
    );
    const { deps, store, time, advance } = fakeChangeDeps({ atlas });
    const started = time();
    const result = await submitChange(submission, deps, started + HTTP_BUDGET_MS);
    expect(result.change).toMatchObject({ state: "RETRYING", leaseUntil: started + HTTP_BUDGET_MS + 15_000 });
    lose = false;
    // Every way a re-send could start keeps off while the PATCH may still land.
    advance(30_000);
    expect(await recheckChange({ changeId: "chg-1", attempt: 1 }, deps, FAR)).toEqual({
      kind: "skipped",
      reason: "being sent",
    });
    expect((await sweepOverdue(deps, { graceMs: 0, limit: 10 }, FAR)).found).toBe(0);
    await expect(cancelChange("chg-1", caller, deps)).rejects.toBeInstanceOf(ChangeSendingError);
    expect(patches(atlas)).toBe(1);
    advance(15_000);
    const attempt = store.changes.get("chg-1")?.attempt ?? -1;
    const checks = await Promise.all(
      Array.from({ length: 5 }, () => recheckChange({ changeId: "chg-1", attempt }, deps, FAR)),
    );
    expect(checks.filter((c) => c.kind === "checked")).toHaveLength(1);
    expect(patches(atlas)).toBe(2);
  });
});

describe("races a change's answer and its lock must survive", () => {
  it("answers with the stored change when another writer moved it while the PATCH was out", async () => {
    const fake = fakeChangeDeps();
    const atlas = atlasWith(async () => {
      const stored = fake.store.changes.get("chg-1");
      if (stored)
        fake.store.changes.set("chg-1", { ...stored, version: stored.version + 1, state: "FAILED" });
      return { body: JSON.stringify({ statusName: "INITIATING" }) };
    });
    fake.deps.atlas = atlas;
    const result = await submitChange(submission, fake.deps, FAR);
    expect(result.change.state).toBe("FAILED");
    expect(result.change).toStrictEqual(fake.store.changes.get("chg-1"));
  });

  it("leaves no lock behind when the function dies while planning, so the next request goes through", async () => {
    const atlas = new FakeAtlas(peer("INITIATING"));
    const { deps, store } = fakeChangeDeps({ atlas });
    const read = atlas.getPeer.bind(atlas);
    atlas.getPeer = async () => Promise.reject(new Error("function killed"));
    await expect(submitChange(submission, deps, FAR)).rejects.toThrow("function killed");
    expect([store.locks.size, store.changes.size]).toEqual([0, 0]);
    atlas.getPeer = read;
    atlas.current = peer("AVAILABLE", {});
    expect((await submitChange(submission, deps, FAR)).change.state).toBe("IN_PROGRESS");
  });

  it("refuses a next change while an ended change's PATCH may still land", async () => {
    const { deps, store } = fakeChangeDeps({ atlas: new FakeAtlas(peer("INITIATING")) });
    await submitChange(submission, deps, FAR);
    const first = store.changes.get("chg-1");
    if (!first) throw new Error("not stored");
    // As if it had ended by another path while its PATCH was still out.
    store.changes.set("chg-1", { ...first, state: "CANCELLED", leaseUntil: deps.now() + 10_000 });
    await expect(submitChange(submission, deps, FAR)).rejects.toMatchObject({ code: "change-in-flight" });
  });
});
