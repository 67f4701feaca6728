import { describe, expect, it } from "vitest";
import {
  acceptProgression,
  completedProgression,
  hasReached,
  STATUS_SEQUENCES,
  stageIndex,
  startProgression,
  statusAt,
} from "../../../local/simulator/progression.js";

const STEP = 1000;

function timeline(provider: "AWS" | "AZURE" | "GCP", steps: number): string[] {
  const progression = startProgression(0);
  return Array.from({ length: steps }, (_, i) => statusAt(provider, progression, i * STEP, STEP));
}

describe("status progression", () => {
  it("walks each provider's sequence one step per stepMs and stays on the last step", () => {
    expect(timeline("AWS", 6)).toEqual([
      "INITIATING",
      "PENDING_ACCEPTANCE",
      "FINALIZING",
      "AVAILABLE",
      "AVAILABLE",
      "AVAILABLE",
    ]);
    expect(timeline("GCP", 4)).toEqual(["ADDING_PEER", "WAITING_FOR_USER", "AVAILABLE", "AVAILABLE"]);
    expect(timeline("AZURE", 3)).toEqual(["ADDING_PEER", "AVAILABLE", "AVAILABLE"]);
  });

  it("changes status exactly at the step boundary", () => {
    const progression = startProgression(5000);
    expect(statusAt("AWS", progression, 5000 + STEP - 1, STEP)).toBe("INITIATING");
    expect(statusAt("AWS", progression, 5000 + STEP, STEP)).toBe("PENDING_ACCEPTANCE");
  });

  it("ignores a clock that goes backwards and treats a zero step as instant", () => {
    const progression = startProgression(10_000);
    expect(statusAt("GCP", progression, 0, STEP)).toBe("ADDING_PEER");
    expect(statusAt("GCP", progression, 10_000, 0)).toBe("AVAILABLE");
  });

  it("starts demo peers AVAILABLE", () => {
    for (const provider of ["AWS", "AZURE", "GCP"] as const) {
      expect(statusAt(provider, completedProgression(provider, 0), 0, STEP)).toBe("AVAILABLE");
    }
  });

  it("knows whether a status was reached", () => {
    const progression = startProgression(0);
    expect(hasReached("AWS", progression, "PENDING_ACCEPTANCE", 999, STEP)).toBe(false);
    expect(hasReached("AWS", progression, "PENDING_ACCEPTANCE", 1000, STEP)).toBe(true);
    expect(hasReached("AZURE", progression, "WAITING_FOR_USER", 99_000, STEP)).toBe(false);
  });
});

describe("acceptProgression", () => {
  it("jumps past the waiting step and continues from there", () => {
    const accepted = acceptProgression("AWS", startProgression(0), 500, STEP);
    expect(statusAt("AWS", accepted, 500, STEP)).toBe("FINALIZING");
    expect(statusAt("AWS", accepted, 1500, STEP)).toBe("AVAILABLE");
    const gcp = acceptProgression("GCP", startProgression(0), 1200, STEP);
    expect(statusAt("GCP", gcp, 1200, STEP)).toBe("AVAILABLE");
  });

  it("leaves Azure and progressions already past the waiting step alone", () => {
    const azure = startProgression(0);
    expect(acceptProgression("AZURE", azure, 10, STEP)).toBe(azure);
    const late = startProgression(0);
    expect(acceptProgression("AWS", late, 2500, STEP)).toBe(late);
    expect(stageIndex("AWS", late, 2500, STEP)).toBe(STATUS_SEQUENCES.AWS.indexOf("FINALIZING"));
  });
});

describe("without auto-acceptance", () => {
  it("holds at the customer's step until accepted, then carries on", async () => {
    const { acceptProgression, startProgression, statusAt } = await import(
      "../../../local/simulator/progression.js"
    );
    const start = startProgression(0);
    expect(statusAt("AWS", start, 10_000, 100, true)).toBe("PENDING_ACCEPTANCE");
    expect(statusAt("GCP", start, 10_000, 100, true)).toBe("WAITING_FOR_USER");
    expect(statusAt("AZURE", start, 10_000, 100, true)).toBe("AVAILABLE");
    const accepted = acceptProgression("AWS", start, 10_000, 100, true);
    expect(statusAt("AWS", accepted, 10_000, 100, true)).toBe("FINALIZING");
    expect(statusAt("AWS", accepted, 10_100, 100, true)).toBe("AVAILABLE");
  });
});
