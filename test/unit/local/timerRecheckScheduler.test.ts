import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TimerRecheckScheduler } from "../../../local/TimerRecheckScheduler.js";
import type { RecheckRequest } from "../../../src/ports/RecheckScheduler.js";

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

function setup(run?: (request: RecheckRequest) => Promise<void>) {
  const ran: RecheckRequest[] = [];
  const errors: unknown[] = [];
  const scheduler = new TimerRecheckScheduler({
    run:
      run ??
      (async (request) => {
        ran.push(request);
      }),
    onError: (error) => errors.push(error),
  });
  return { scheduler, ran, errors };
}

describe("TimerRecheckScheduler", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it("runs the re-check at its time, not before, and forgets it afterwards", async () => {
    const { scheduler, ran } = setup();
    await scheduler.schedule({ changeId: "c1", attempt: 1 }, T0 + 5_000);
    expect(scheduler.pending()).toEqual([{ changeId: "c1", attempt: 1, at: T0 + 5_000 }]);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toEqual([{ changeId: "c1", attempt: 1 }]);
    expect(scheduler.pending()).toEqual([]);
  });

  it("keeps one timer per (change, attempt): scheduling it again adds nothing", async () => {
    const { scheduler, ran } = setup();
    await scheduler.schedule({ changeId: "c1", attempt: 1 }, T0 + 1_000);
    await scheduler.schedule({ changeId: "c1", attempt: 1 }, T0 + 2_000);
    expect(vi.getTimerCount()).toBe(1);
    expect(scheduler.pending()).toEqual([{ changeId: "c1", attempt: 1, at: T0 + 1_000 }]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ran).toEqual([{ changeId: "c1", attempt: 1 }]);
  });

  it("keeps other attempts and other changes apart, listing them soonest first", async () => {
    const { scheduler } = setup();
    await scheduler.schedule({ changeId: "c1", attempt: 2 }, T0 + 3_000);
    await scheduler.schedule({ changeId: "c1", attempt: 1 }, T0 + 2_000);
    await scheduler.schedule({ changeId: "c2", attempt: 1 }, T0 + 1_000);
    expect(vi.getTimerCount()).toBe(3);
    expect(scheduler.pending().map((p) => `${p.changeId}/${p.attempt}`)).toEqual(["c2/1", "c1/1", "c1/2"]);
  });

  it("runs a re-check whose time has passed on the next tick", async () => {
    const { scheduler, ran } = setup();
    await scheduler.schedule({ changeId: "c1", attempt: 1 }, T0 - 60_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual([{ changeId: "c1", attempt: 1 }]);
  });

  it("cancel clears the timer; cancelling an unknown re-check is harmless", async () => {
    const { scheduler, ran } = setup();
    await scheduler.schedule({ changeId: "c1", attempt: 1 }, T0 + 1_000);
    await scheduler.cancel({ changeId: "c1", attempt: 1 });
    await scheduler.cancel({ changeId: "c9", attempt: 7 });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ran).toEqual([]);
    expect(scheduler.pending()).toEqual([]);
  });

  it("close clears every timer", async () => {
    const { scheduler, ran } = setup();
    await scheduler.schedule({ changeId: "c1", attempt: 1 }, T0 + 1_000);
    await scheduler.schedule({ changeId: "c2", attempt: 1 }, T0 + 2_000);
    scheduler.close();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ran).toEqual([]);
  });

  it("unrefs its timers so pending re-checks never keep the process alive", async () => {
    const unref = vi.fn();
    const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation((() => ({ unref })) as never);
    try {
      const { scheduler } = setup();
      await scheduler.schedule({ changeId: "c1", attempt: 1 }, T0 + 1_000);
      expect(unref).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it("reports a failing re-check to onError, whether it rejects or throws", async () => {
    const boom = new Error("boom");
    const { scheduler, errors } = setup((request) => {
      if (request.attempt === 1) return Promise.reject(boom);
      throw boom;
    });
    await scheduler.schedule({ changeId: "c1", attempt: 1 }, T0 + 1_000);
    await scheduler.schedule({ changeId: "c1", attempt: 2 }, T0 + 1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(errors).toEqual([boom, boom]);
  });

  it("chains timers for a wait longer than setTimeout allows", async () => {
    const { scheduler, ran } = setup();
    const at = T0 + 30 * 24 * 3_600_000;
    await scheduler.schedule({ changeId: "c1", attempt: 1 }, at);
    await vi.advanceTimersByTimeAsync(2 ** 31 - 1);
    expect(ran).toEqual([]);
    expect(scheduler.pending()).toEqual([{ changeId: "c1", attempt: 1, at }]);
    await vi.advanceTimersByTimeAsync(at - Date.now() - 1);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toEqual([{ changeId: "c1", attempt: 1 }]);
  });

  it("re-schedules the same (change, attempt) once it has fired", async () => {
    const { scheduler, ran } = setup();
    await scheduler.schedule({ changeId: "c1", attempt: 1 }, T0 + 1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    await scheduler.schedule({ changeId: "c1", attempt: 1 }, T0 + 5_000);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(ran).toHaveLength(2);
  });
});
