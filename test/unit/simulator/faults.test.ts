import { describe, expect, it } from "vitest";
import { FaultSpecError, parseFaultSpec } from "../../../local/simulator/faultSpec.js";
import { FaultQueue, matches } from "../../../local/simulator/faults.js";

const PATH = "/api/atlas/v2/groups/g/peers/p";

describe("FaultQueue", () => {
  it("consumes a status fault count times, then lets requests through", () => {
    const queue = new FaultQueue();
    queue.add({ status: 500, count: 2 });
    expect(queue.take("GET", PATH).outcome).toMatchObject({ kind: "status", spec: { status: 500 } });
    expect(queue.take("GET", PATH).outcome).toMatchObject({ kind: "status" });
    expect(queue.take("GET", PATH)).toEqual({ latencyMs: 0, outcome: undefined });
    expect(queue.list()).toEqual([]);
  });

  it("defaults count to 1 for status and reset, and to 'until cleared' for latency", () => {
    const queue = new FaultQueue();
    queue.add({ reset: "connection" });
    queue.add({ latencyMs: 50 });
    expect(queue.list().map((fault) => fault.remaining)).toEqual([1, null]);
    expect(queue.take("GET", PATH)).toEqual({ latencyMs: 50, outcome: { kind: "reset" } });
    expect(queue.take("GET", PATH)).toEqual({ latencyMs: 50, outcome: undefined });
    queue.clear();
    expect(queue.take("GET", PATH).latencyMs).toBe(0);
  });

  it("applies rules in the order they were added and only where they match", () => {
    const queue = new FaultQueue();
    queue.add({ status: 503, match: { method: "patch" } });
    queue.add({ status: 429 });
    expect(queue.take("GET", PATH).outcome).toMatchObject({ spec: { status: 429 } });
    expect(queue.take("PATCH", PATH).outcome).toMatchObject({ spec: { status: 503 } });
    expect(queue.take("PATCH", PATH).outcome).toBeUndefined();
  });

  it("hits the token endpoint only with rules that name a path matching it", () => {
    const queue = new FaultQueue();
    queue.add({ status: 503 });
    queue.add({ status: 429, match: { path: "/api/oauth/token" } });
    const token = () => queue.take("POST", "/api/oauth/token", { namedOnly: true }).outcome;
    expect(token()).toMatchObject({ spec: { status: 429 } });
    expect(token()).toBeUndefined();
    expect(queue.take("GET", PATH).outcome).toMatchObject({ spec: { status: 503 } });
  });

  it("matches paths exactly or with * wildcards", () => {
    expect(matches({ path: PATH }, "GET", PATH)).toBe(true);
    expect(matches({ path: "/api/atlas/v2/*" }, "GET", PATH)).toBe(true);
    expect(matches({ path: "/api/atlas/v1.0/*" }, "GET", PATH)).toBe(false);
    expect(matches({ path: "/api/atlas/v2/groups/g/peers" }, "GET", PATH)).toBe(false);
    expect(matches(undefined, "DELETE", "/anything")).toBe(true);
  });
});

describe("parseFaultSpec", () => {
  it("accepts the documented shapes", () => {
    expect(
      parseFaultSpec({ status: 429, count: 3, retryAfterSeconds: 5, errorCode: "RATE_LIMITED" }),
    ).toEqual({
      status: 429,
      count: 3,
      retryAfterSeconds: 5,
      errorCode: "RATE_LIMITED",
    });
    expect(parseFaultSpec({ latencyMs: 200 })).toEqual({ latencyMs: 200 });
    expect(parseFaultSpec({ reset: "connection", count: 2, match: { path: "/x" } })).toEqual({
      reset: "connection",
      count: 2,
      match: { path: "/x" },
    });
  });

  it.each([
    [{ status: 404 }, /status/],
    [{ status: 500, count: 0 }, /count/],
    [{ status: 500, errorCode: "RATE_LIMITED" }, /errorCode/],
    [{ latencyMs: -1 }, /latencyMs/],
    [{ reset: "socket" }, /reset/],
    [{ reset: "connection", match: { verb: "GET" } }, /verb/],
    [{ status: 503, extra: true }, /extra/],
    [{}, /one of/],
    [[1], /object/],
  ])("refuses %j", (input, message) => {
    expect(() => parseFaultSpec(input)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(input)).toThrow(message);
  });
});
