import { describe, expect, it } from "vitest";
import { formatChange } from "../../../cli/format.js";
import { formatTimeline, isNoop, totals, transitionLine, waitingForPersonMs } from "../../../cli/timeline.js";
import { at, changeAfter, T0 } from "./changeViews.js";

describe("status: the timeline", () => {
  it("lists each step with its UTC time, how long it lasted, and the totals", () => {
    expect(formatTimeline(changeAfter(5), T0 + 60_000)).toBe(
      [
        "  Timeline (UTC, 2026-11-28):",
        "    12:00:00  RETRYING          0:01  received via http",
        "    12:00:01  IN_PROGRESS       0:02  Atlas INITIATING",
        "    12:00:03  WAITING_FOR_USER  0:03  Atlas PENDING_ACCEPTANCE",
        "    12:00:06  IN_PROGRESS       0:02  Atlas FINALIZING",
        "    12:00:08  SUCCEEDED               Atlas AVAILABLE",
        "  Took 0:08 (waiting for a person 0:03).",
        "",
      ].join("\n"),
    );
  });

  it("counts a wait still going up to now, and every stretch of waiting", () => {
    const waiting = changeAfter(3);
    expect(waitingForPersonMs(waiting, T0 + 63_000)).toBe(60_000);
    expect(totals(waiting, T0 + 63_000)).toBe("Running for 1:03 (waiting for a person 1:00).");
    const twice = changeAfter(5, {
      history: [
        ...changeAfter(4).history,
        { at: at(10), from: "IN_PROGRESS", to: "WAITING_FOR_USER", atlasStatus: "PENDING_ACCEPTANCE" },
        { at: at(3610), from: "WAITING_FOR_USER", to: "SUCCEEDED", atlasStatus: "AVAILABLE" },
      ],
    });
    expect(totals(twice, T0)).toBe("Took 1:00:10 (waiting for a person 1:00:03).");
  });

  it("says nothing to change for a change that found the peer already as asked", () => {
    const noop = changeAfter(1, {
      state: "SUCCEEDED",
      history: [
        { at: at(0), from: null, to: "RETRYING", note: "received via http" },
        {
          ...{ at: at(0), from: "RETRYING", to: "SUCCEEDED", atlasStatus: "AVAILABLE" },
          note: "no change needed: the peer already has these settings",
        },
      ],
    });
    expect(isNoop(noop)).toBe(true);
    expect(isNoop(changeAfter(5))).toBe(false);
    expect(formatChange(noop).split("\n")[0]).toBe(
      "Change chg-1: SUCCEEDED (nothing to change: the peer already had these settings)",
    );
  });

  it("writes a transition as an offset from the change's start", () => {
    const [, , waiting] = changeAfter(3).history;
    expect(transitionLine(waiting as never, T0)).toBe("  +0:03  WAITING_FOR_USER · Atlas PENDING_ACCEPTANCE");
  });
});
