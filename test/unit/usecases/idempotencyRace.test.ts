import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import type { ChangeSubmission } from "../../../src/usecases/ChangeSubmission.js";
import { submitChange } from "../../../src/usecases/submitChange.js";
import { GROUP_A, PEER_1, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { FakeAtlas } from "../../helpers/fakes.js";

const submission: ChangeSubmission = {
  caller: testRegistry().callers[0] as Caller,
  channel: "http",
  call: { groupId: GROUP_A, peerId: PEER_1, apiVersion: "v2", query: {} },
  provider: "AWS",
  body: '{"routeTableCidrBlock":"10.9.0.0/21"}',
  requestId: "req-1",
  idempotencyKey: "deploy-42",
  plan: false,
};

describe("one Idempotency-Key sent several times at once", () => {
  it("answers every racer with the one change (never an error) and sends one PATCH", async () => {
    const atlas = new FakeAtlas({ status: 200, body: '{"statusName":"INITIATING"}' });
    const { deps } = fakeChangeDeps({ atlas });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => submitChange(submission, deps, Number.MAX_SAFE_INTEGER)),
    );
    const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [String(o.reason)] : []));
    expect(failures).toEqual([]);
    const ids = new Set(outcomes.map((o) => (o.status === "fulfilled" ? o.value.change.id : "")));
    expect(ids.size).toBe(1);
    expect(atlas.calls.filter((call) => call.method === "PATCH")).toHaveLength(1);
  });
});
