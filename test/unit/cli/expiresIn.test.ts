import { describe, expect, it } from "vitest";
import { formatChange } from "../../../cli/format.js";
import { statusLine } from "../../../cli/live.js";
import { expiresIn } from "../../../cli/timeline.js";
import { at, changeAfter, T0 } from "./changeViews.js";

const HOUR = 3_600_000;
const ACCEPT_BY = new Date(T0 + 7 * 24 * HOUR).toISOString();

describe("the CLI shows when a waiting AWS request expires", () => {
  it("as time left, `about` when the gateway estimated it, and plainly once it lapsed", () => {
    const aws = { acceptBy: ACCEPT_BY, acceptByFrom: "aws" as const };
    expect(expiresIn(aws, Date.parse(ACCEPT_BY) - 23 * HOUR - 10 * 60_000)).toBe("expires in 23 h 10 min");
    expect(expiresIn({ ...aws, acceptByFrom: "estimate" }, Date.parse(ACCEPT_BY) - 30 * 60_000)).toBe(
      "expires in about 30 min",
    );
    expect(expiresIn(aws, Date.parse(ACCEPT_BY) + 1)).toBe(`request expired at ${ACCEPT_BY}`);
    expect(expiresIn({}, T0)).toBeUndefined();
  });

  it("in `status` and on `watch`'s status line", () => {
    const view = changeAfter(3, { acceptBy: ACCEPT_BY, acceptByFrom: "aws" });
    const now = Date.parse(ACCEPT_BY) - HOUR;
    expect(formatChange(view, now)).toContain(`  accept   by ${ACCEPT_BY} (expires in 1 h 0 min)`);
    expect(statusLine(view, now)).toMatch(/· expires in 1 h 0 min$/);
    expect(formatChange(changeAfter(3), now)).not.toContain("accept ");
    expect(statusLine(changeAfter(3), Date.parse(at(4)))).not.toContain("expires");
  });
});
