import type { Transition } from "../src/domain/change/ChangeRecord.js";
import type { ChangeView } from "../src/domain/change/view.js";
import { isTerminal } from "../src/domain/peering/status.js";

/** The note the gateway writes when the peer already had the settings asked for (no PATCH was sent). */
const NOOP_NOTE = "no change needed";

/** Whether the change settled without sending anything: the peer already had these settings. */
export function isNoop(view: Pick<ChangeView, "history" | "state">): boolean {
  return view.state === "SUCCEEDED" && view.history.some((t) => t.note?.startsWith(NOOP_NOTE));
}

/** Elapsed time as m:ss, or h:mm:ss past an hour. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * How long a person has left to accept the AWS peering request a change waits on ("expires in 23 h 10 min"),
 * from the view's `acceptBy`; undefined when the gateway reports none.
 */
export function expiresIn(
  view: Pick<ChangeView, "acceptBy" | "acceptByFrom">,
  now: number,
): string | undefined {
  if (view.acceptBy === undefined) return undefined;
  const left = Date.parse(view.acceptBy) - now;
  if (!Number.isFinite(left)) return undefined;
  const about = view.acceptByFrom === "estimate" ? "about " : "";
  if (left <= 0) return `request expired at ${view.acceptBy}`;
  const minutes = Math.ceil(left / 60_000);
  const [h, m] = [Math.floor(minutes / 60), minutes % 60];
  return `expires in ${about}${h > 0 ? `${h} h ${m} min` : `${m} min`}`;
}

/** When the change started: its first transition (its creation), else `createdAt`. */
export function startOf(view: Pick<ChangeView, "history" | "createdAt">): number {
  return Date.parse(view.history[0]?.at ?? view.createdAt);
}

/** What a transition says besides its state: Atlas's status and the gateway's note. */
function details(t: Transition): string {
  return [t.atlasStatus && `Atlas ${t.atlasStatus}`, t.note].filter(Boolean).join(" · ");
}

/** One step as the live view prints it: `+0:04  WAITING_FOR_USER · Atlas PENDING_ACCEPTANCE`. */
export function transitionLine(t: Transition, startMs: number): string {
  const offset = `+${duration(Date.parse(t.at) - startMs)}`;
  const more = details(t);
  return `${offset.padStart(7)}  ${t.to}${more ? ` · ${more}` : ""}`;
}

interface Step {
  transition: Transition;
  /** How long the change stayed in this state; undefined for the state a change ended in. */
  ms: number | undefined;
}

/** Each state the change went through and how long it stayed; a state still current runs until `now`. */
export function steps(view: Pick<ChangeView, "history" | "state">, now: number): Step[] {
  const ended = isTerminal(view.state);
  return view.history.map((transition, i) => {
    const next = view.history[i + 1];
    const until = next ? Date.parse(next.at) : ended ? undefined : now;
    return { transition, ms: until === undefined ? undefined : until - Date.parse(transition.at) };
  });
}

/** Time spent in WAITING_FOR_USER, all stretches together (the current one up to `now`). */
export function waitingForPersonMs(view: Pick<ChangeView, "history" | "state">, now: number): number {
  return steps(view, now)
    .filter((step) => step.transition.to === "WAITING_FOR_USER")
    .reduce((sum, step) => sum + (step.ms ?? 0), 0);
}

/** From the change's creation to its end (its last transition), or to `now` while it is going. */
export function totalMs(view: Pick<ChangeView, "history" | "state" | "createdAt">, now: number): number {
  const last = view.history.at(-1);
  const end = isTerminal(view.state) && last ? Date.parse(last.at) : now;
  return end - startOf(view);
}

/** `Took 0:09 (waiting for a person 0:04).`, the totals `status` and the end of a wait print. */
export function totals(view: Pick<ChangeView, "history" | "state" | "createdAt">, now: number): string {
  const waited = waitingForPersonMs(view, now);
  const verb = isTerminal(view.state) ? "Took" : "Running for";
  const person = waited >= 1000 ? ` (waiting for a person ${duration(waited)})` : "";
  return `${verb} ${duration(totalMs(view, now))}${person}.`;
}

/**
 * The history as a timeline: each step's time (UTC), state, how long it lasted and what was learnt, then the
 * total and the time a person was waited for.
 *
 *   Timeline (UTC, 2026-11-28):
 *     12:00:00  RETRYING          0:01  received via http
 *     12:00:01  WAITING_FOR_USER  4:10  Atlas PENDING_ACCEPTANCE
 *     12:04:11  SUCCEEDED               Atlas AVAILABLE
 *   Took 4:11 (waiting for a person 4:10).
 */
export function formatTimeline(view: ChangeView, now: number): string {
  if (view.history.length === 0) return "";
  const all = steps(view, now);
  const stateWidth = Math.max(...all.map((s) => s.transition.to.length));
  const durations = all.map((s) => (s.ms === undefined ? "" : duration(s.ms)));
  const durationWidth = Math.max(...durations.map((d) => d.length));
  const rows = all.map((step, i) => {
    const time = step.transition.at.slice(11, 19);
    const row = `    ${time}  ${step.transition.to.padEnd(stateWidth)}  ${(durations[i] ?? "").padStart(durationWidth)}  ${details(step.transition)}`;
    return row.trimEnd();
  });
  const day = view.history[0]?.at.slice(0, 10);
  return `  Timeline (UTC, ${day}):\n${rows.join("\n")}\n  ${totals(view, now)}\n`;
}
