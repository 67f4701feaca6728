import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import { ForbiddenError } from "../../../src/access/errors.js";
import { RequestValidationError } from "../../../src/domain/validation.js";
import { admitChange, type ChangeAdmission } from "../../../src/usecases/admitChange.js";
import { CallbackNotAllowedError } from "../../../src/usecases/errors.js";
import { GROUP_A, GROUP_B, PEER_1, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { FakeAtlas } from "../../helpers/fakes.js";

const caller: Caller = {
  ...(testRegistry().callers[0] as Caller),
  callbackHosts: ["hooks.example.com"],
  callbackSecret: "test-callback-secret-000000000001",
};
const BODY = '{"vpcId":"vpc-0123456789abcdef0","awsAccountId":"123456789012"}';
const admission: ChangeAdmission = {
  caller,
  channel: "http",
  groupId: GROUP_A,
  peerId: PEER_1,
  apiVersion: "v2",
  query: {},
  provider: "AWS",
  body: BODY,
  requestId: "req-1",
};
const FAR = Number.MAX_SAFE_INTEGER;
const accepted = { status: 200, body: '{"statusName":"INITIATING"}' };

async function refusal(request: ChangeAdmission) {
  const atlas = new FakeAtlas(accepted);
  const { deps, store } = fakeChangeDeps({ atlas });
  const error = await admitChange(request, deps, FAR).catch((e: unknown) => e);
  return { error, atlas, store };
}

describe("admitting a change", () => {
  it("creates the change and sends the PATCH for an admissible request", async () => {
    const atlas = new FakeAtlas(accepted);
    const { deps, store } = fakeChangeDeps({ atlas });
    const outcome = await admitChange(
      { ...admission, callbackUrl: "https://hooks.example.com/peering", idempotencyKey: "deploy 42" },
      deps,
      FAR,
    );
    expect(outcome.kind).toBe("created");
    expect(outcome.change).toMatchObject({
      callerId: "ci-pipeline",
      channel: "http",
      groupId: GROUP_A,
      peerId: PEER_1,
      apiVersion: "v2",
      desired: BODY,
      callbackUrl: "https://hooks.example.com/peering",
      idempotencyKey: "deploy 42",
    });
    expect(store.changes.has(outcome.change.id)).toBe(true);
    expect(atlas.changeCalls.map((c) => [c.method, c.body])).toEqual([["PATCH", BODY]]);
  });

  it.each([
    ["a leading space", " deploy-42"],
    ["a trailing space", "deploy-42 "],
    ["a non-ASCII character", "déploiement-42"],
    ["a control character", "deploy\t42"],
    ["an empty key", ""],
    ["256 characters", "k".repeat(256)],
  ])("refuses an idempotency key with %s, naming idempotencyKey", async (_what, idempotencyKey) => {
    const { error, atlas, store } = await refusal({ ...admission, idempotencyKey });
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).errors.map((e) => e.path)).toEqual(["idempotencyKey"]);
    expect(atlas.calls).toEqual([]);
    expect(store.changes.size).toBe(0);
  });

  it("accepts a key of one character and one of 255 printable characters", async () => {
    for (const idempotencyKey of ["k", `a${" ~".repeat(126)}z`]) {
      const { deps } = fakeChangeDeps({ atlas: new FakeAtlas(accepted) });
      const outcome = await admitChange({ ...admission, idempotencyKey }, deps, FAR);
      expect(outcome.change.idempotencyKey).toBe(idempotencyKey);
    }
  });

  it("refuses a caller outside its grants before anything is read or recorded", async () => {
    const { error, atlas, store } = await refusal({ ...admission, groupId: GROUP_B });
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(atlas.calls).toEqual([]);
    expect(store.changes.size).toBe(0);
  });

  it("refuses a callback to a host outside the caller's allowlist", async () => {
    const { error, atlas } = await refusal({ ...admission, callbackUrl: "https://evil.example.net/hook" });
    expect(error).toBeInstanceOf(CallbackNotAllowedError);
    expect((error as Error).message).toBe(
      "callbackUrl refused: host evil.example.net is not in the callback allowlist",
    );
    expect(atlas.calls).toEqual([]);
  });

  it("refuses a callback when the caller has no secret to sign it with", async () => {
    const { callbackSecret: _none, ...unsigned } = caller;
    const { error } = await refusal({
      ...admission,
      caller: unsigned,
      callbackUrl: "https://hooks.example.com/peering",
    });
    expect(error).toBeInstanceOf(CallbackNotAllowedError);
    expect((error as Error).message).toBe(
      "Caller ci-pipeline has no callback secret to sign callbacks with.",
    );
  });
});
