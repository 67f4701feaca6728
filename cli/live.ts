import type { Transition } from "../src/domain/change/ChangeRecord.js";
import { type NextActionSource, nextAction } from "../src/domain/change/nextAction.js";
import type { ChangeView } from "../src/domain/change/view.js";
import type { Io } from "./format.js";
import { duration, expiresIn, startOf, transitionLine } from "./timeline.js";

const CLEAR_LINE = "\r\x1b[2K";

/**
 * The one line a terminal rewrites in place (`\r` + clear line) on stderr. In a log (CI, a pipe) nothing is
 * drawn: a line printed per second would bury what happened, so logs get the printed lines only.
 */
export class LiveLine {
  private open = false;

  constructor(private readonly io: Io) {}

  /** Draws `text` as the live line (terminals only). */
  show(text: string): void {
    if (!this.io.isTTY) return;
    this.io.stderr(`${CLEAR_LINE}${text}`);
    this.open = true;
  }

  /** Prints a line that stays, above the live line (which the next `show` draws again). */
  print(line: string): void {
    this.clear();
    this.io.stderr(`${line}\n`);
  }

  /** Wipes the live line, so whatever comes next starts on a clean line. */
  clear(): void {
    if (this.open) this.io.stderr(CLEAR_LINE);
    this.open = false;
  }
}

/** The live status: state, Atlas's status, the gateway's check count and how long the change has been going. */
export function statusLine(view: ChangeView, now: number): string {
  const atlas = view.atlas?.status ? ` · Atlas ${view.atlas.status}` : "";
  const expiry = expiresIn(view, now);
  const left = expiry ? ` · ${expiry}` : "";
  return `${view.state}${atlas} · check ${view.attempt ?? 0} · ${duration(now - startOf(view))}${left}`;
}

/**
 * What a followed change prints: every transition of its history once, in order — including the ones that
 * came and went between two checks — the next action when it starts waiting for a person, and the status line.
 */
export class ChangeTimelinePrinter {
  private printed = 0;
  private lastState: string | undefined;
  private actionShownFor: string | undefined;

  constructor(private readonly live: LiveLine) {}

  /** Prints what is new in `view` since the last call, then draws the status line. */
  show(view: ChangeView, now: number): void {
    const start = startOf(view);
    const fresh = view.history.slice(Math.min(this.printed, view.history.length));
    fresh.forEach((transition, i) => {
      this.live.print(transitionLine(transition, start));
      const over = i < fresh.length - 1 || view.state !== "WAITING_FOR_USER";
      if (transition.to === "WAITING_FOR_USER" && over) this.live.print(pastAction(view, transition));
    });
    this.printed = view.history.length;
    // A gateway without history (or a state it did not record) still shows each state once.
    if (fresh.length === 0 && view.state !== this.lastState) {
      const atlas = view.atlas?.status ? ` · Atlas ${view.atlas.status}` : "";
      this.live.print(`${`+${duration(now - start)}`.padStart(7)}  ${view.state}${atlas}`);
    }
    this.lastState = view.state;
    this.showAction(view);
    this.tick(view, now);
  }

  /** A message of the CLI's own (a failed check), on its own line. */
  note(message: string): void {
    this.live.print(message);
  }

  /** Redraws the status line only (its clock moves every second). */
  tick(view: ChangeView, now: number): void {
    this.live.show(statusLine(view, now));
  }

  /** Below the transition, once per stretch of waiting: the person watching is the one who must act. */
  private showAction(view: ChangeView): void {
    // Keyed by the transition into the wait: a same-state check that learnt something must not repeat it.
    const entered = view.history.findLast((t) => t.to === "WAITING_FOR_USER" && t.from !== t.to);
    const waitingSince = view.state === "WAITING_FOR_USER" ? (entered?.at ?? "now") : undefined;
    if (waitingSince === undefined || !view.nextAction || this.actionShownFor === waitingSince) return;
    this.actionShownFor = waitingSince;
    const commands = (view.nextActionCommands ?? []).map((command) => `           ${command}`);
    this.live.print([`         Action needed: ${view.nextAction}`, ...commands].join("\n"));
  }
}

/**
 * For a wait that began and ended between two checks: the step a person had to take, worked out from the
 * change as the gateway works it out while waiting (the view no longer carries it once the wait is over).
 */
function pastAction(view: ChangeView, transition: Transition): string {
  const atlas = { ...view.atlas, ...(transition.atlasStatus ? { status: transition.atlasStatus } : {}) };
  const desired = JSON.stringify(view.desired ?? {});
  const step = nextAction({
    provider: view.provider as NextActionSource["provider"],
    desired,
    atlas,
    peerId: view.peerId,
  });
  return `         A person's step was needed (now done): ${step}`;
}
