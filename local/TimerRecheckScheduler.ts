import type { RecheckRequest, RecheckScheduler } from "../src/ports/RecheckScheduler.js";

/** Options of {@link TimerRecheckScheduler}. */
export interface TimerRecheckSchedulerOptions {
  /** Runs the re-check (the local stack calls the re-check use case in-process). */
  run: (request: RecheckRequest) => Promise<void>;
  /** Epoch ms; `Date.now` by default. */
  now?: () => number;
  /** Told about a re-check that failed; by default it is printed to stderr. */
  onError?: (error: unknown) => void;
}

/** A pending re-check, as {@link TimerRecheckScheduler.pending} lists it. */
export interface PendingRecheck {
  changeId: string;
  attempt: number;
  /** Epoch ms. */
  at: number;
}

/** setTimeout's largest delay; a longer one would fire at once, so longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry {
  request: RecheckRequest;
  at: number;
  timer: NodeJS.Timeout;
  /** The timer covers only part of the wait (longer than {@link MAX_TIMER_MS}). */
  partial: boolean;
}

/**
 * The local stack's EventBridge Scheduler: one in-process timer per (change, attempt). Timers are `unref()`ed so
 * that pending re-checks never keep the process alive, and they are lost on restart (the local stack's store is
 * in memory anyway).
 */
export class TimerRecheckScheduler implements RecheckScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly run: (request: RecheckRequest) => Promise<void>;
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;

  constructor(options: TimerRecheckSchedulerOptions) {
    this.run = options.run;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? ((error) => console.error("local re-check failed", error));
  }

  /** Arms a timer for `at` (epoch ms); a (change, attempt) already pending keeps its first timer. */
  async schedule(request: RecheckRequest, at: number): Promise<void> {
    const key = keyOf(request);
    if (this.entries.has(key)) return;
    const copy = { changeId: request.changeId, attempt: request.attempt };
    this.entries.set(key, { request: copy, at, ...this.arm(key, at) });
  }

  /** Clears the pending timer of that (change, attempt), if any. */
  async cancel(request: RecheckRequest): Promise<void> {
    const key = keyOf(request);
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.entries.delete(key);
  }

  /** The pending re-checks, soonest first. */
  pending(): PendingRecheck[] {
    return [...this.entries.values()]
      .map(({ request, at }) => ({ changeId: request.changeId, attempt: request.attempt, at }))
      .sort((a, b) => a.at - b.at);
  }

  /** Clears every pending timer (the local stack shutting down). */
  close(): void {
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    this.entries.clear();
  }

  private arm(key: string, at: number): { timer: NodeJS.Timeout; partial: boolean } {
    const delay = Math.max(0, at - this.now());
    const timer = setTimeout(() => this.fire(key), Math.min(delay, MAX_TIMER_MS));
    timer.unref();
    return { timer, partial: delay > MAX_TIMER_MS };
  }

  private fire(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    if (entry.partial) {
      // A wait longer than one timer allows: re-arm for the rest.
      Object.assign(entry, this.arm(key, entry.at));
      return;
    }
    this.entries.delete(key);
    // Wrapped so that a `run` that throws synchronously is reported like one that rejects.
    Promise.resolve()
      .then(() => this.run(entry.request))
      .catch(this.onError);
  }
}

function keyOf(request: RecheckRequest): string {
  return `${request.attempt}:${request.changeId}`;
}
