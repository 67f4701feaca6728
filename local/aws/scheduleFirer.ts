/** A CreateSchedule input as received: the SDK's field names, timestamps as epoch seconds. */
export interface ReceivedCreateSchedule {
  Name: string;
  Target?: {
    Input?: string;
    DeadLetterConfig?: { Arn?: string };
    RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
    [field: string]: unknown;
  };
  ActionAfterCompletion?: string;
  [field: string]: unknown;
}

/** One schedule held by the Scheduler emulator. */
export interface EmulatedSchedule {
  name: string;
  groupName: string;
  /** `arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>` */
  arn: string;
  /** The full CreateSchedule input, exactly as received. */
  input: ReceivedCreateSchedule;
  /** Epoch ms the `at()` expression names. */
  fireAt: number;
  /** Epoch ms it was created. */
  createdAt: number;
}

/** An invocation handed over to the target. */
export interface FiredSchedule {
  schedule: EmulatedSchedule;
  /** Epoch ms of the invocation that succeeded. */
  at: number;
  /** 1 when the first invocation succeeded. */
  attempts: number;
}

/** An invocation that ran out of retries: what Scheduler would send to the dead-letter queue. */
export interface DeadLetter {
  /** The schedule's `Target.DeadLetterConfig.Arn` (undefined: AWS would drop it). */
  arn: string | undefined;
  /** The schedule's `Target.Input`. */
  input: string | undefined;
  schedule: EmulatedSchedule;
  error: unknown;
}

/** What {@link ScheduleFirer} needs from the emulator's options. */
export interface FirerOptions {
  now: () => number;
  autoFire: boolean;
  retryDelayMs: number;
  onFire?: (schedule: EmulatedSchedule) => Promise<void>;
}

/** setTimeout's largest delay; a later schedule re-arms its timer when this one ends. */
const MAX_DELAY = 2 ** 31 - 1;
/** AWS's default is 185 retries over a day; an emulator caps them so a failing target ends in seconds. */
const MAX_RETRIES = 20;

/**
 * Holds the schedules and fires them: at their time when `autoFire`, or when asked. Timers are unref'd, so
 * a forgotten emulator never keeps a process alive, and all of them end on {@link close}.
 */
export class ScheduleFirer {
  readonly schedules = new Map<string, EmulatedSchedule>();
  readonly fired: FiredSchedule[] = [];
  readonly deadLetters: DeadLetter[] = [];
  readonly now: () => number;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Schedules that fired and stayed (ActionAfterCompletion NONE): a one-time schedule never fires again. */
  private readonly completed = new WeakSet<EmulatedSchedule>();
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private closed = false;

  constructor(private readonly options: FirerOptions) {
    this.now = options.now;
  }

  add(schedule: EmulatedSchedule): void {
    const key = `${schedule.groupName}/${schedule.name}`;
    this.schedules.set(key, schedule);
    if (this.options.autoFire) this.arm(key, schedule);
  }

  /** Deletes the schedule and its timer; false when there was none. An invocation in flight goes on. */
  remove(key: string): boolean {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    return this.schedules.delete(key);
  }

  due(now = this.now()): EmulatedSchedule[] {
    return [...this.schedules.values()].filter((s) => s.fireAt <= now && !this.completed.has(s));
  }

  /** Fires the schedule now; a second call while it is in flight joins the first. */
  fire(key: string): Promise<void> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const schedule = this.schedules.get(key);
    if (!schedule) return Promise.reject(new Error(`The Scheduler emulator has no schedule ${key}.`));
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const run = this.deliver(schedule).finally(() => {
      this.inFlight.delete(key);
      this.completed.add(schedule);
      // AWS deletes the schedule once the invocation was handed over (or dropped), not before.
      const deleteAfter = schedule.input.ActionAfterCompletion === "DELETE";
      if (deleteAfter && this.schedules.get(key) === schedule) this.schedules.delete(key);
    });
    this.inFlight.set(key, run);
    return run;
  }

  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    this.sleepers.clear();
  }

  private arm(key: string, schedule: EmulatedSchedule): void {
    const delay = Math.max(0, schedule.fireAt - this.now());
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        if (this.schedules.get(key) !== schedule) return;
        if (delay > MAX_DELAY) this.arm(key, schedule);
        // fire() never rejects for a schedule it holds: target failures end in deadLetters.
        else void this.fire(key);
      },
      Math.min(delay, MAX_DELAY),
    );
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Invokes the target, retrying per the schedule's RetryPolicy, then dead-letters it. */
  private async deliver(schedule: EmulatedSchedule): Promise<void> {
    const target = schedule.input.Target;
    const retries = Math.min(target?.RetryPolicy?.MaximumRetryAttempts ?? 185, MAX_RETRIES);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.options.onFire?.(schedule);
        this.fired.push({ schedule, at: this.now(), attempts: attempt });
        return;
      } catch (error) {
        if (this.closed) return;
        if (attempt > retries) {
          this.deadLetters.push({
            arn: target?.DeadLetterConfig?.Arn,
            input: target?.Input,
            schedule,
            error,
          });
          return;
        }
        await this.sleep(this.options.retryDelayMs * attempt);
        if (this.closed) return;
      }
    }
  }

  /** A delay that {@link close} cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
        wake: resolve,
      };
      sleeper.timer.unref();
      this.sleepers.add(sleeper);
    });
  }
}
