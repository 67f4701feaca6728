import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type AwsCall,
  AwsError,
  type EmulatorHandle,
  type EmulatorOptions,
  parseJsonBody,
  principalNow,
  scopeOf,
  sendJson,
  startJsonServer,
} from "./calls.js";
import {
  type DeadLetter,
  type EmulatedSchedule,
  type FiredSchedule,
  ScheduleFirer,
} from "./scheduleFirer.js";

export type { DeadLetter, EmulatedSchedule, FiredSchedule, ReceivedCreateSchedule } from "./scheduleFirer.js";

/** Options of {@link startSchedulerEmulator}. */
export interface SchedulerEmulatorOptions extends EmulatorOptions {
  /** What a schedule invokes when it fires (the target); a rejection is retried per its RetryPolicy. */
  onFire?: (schedule: EmulatedSchedule) => Promise<void>;
  /** Default true: fire each schedule at its time. False: only {@link SchedulerEmulator.fire} fires. */
  autoFire?: boolean;
  /** Epoch ms; `Date.now` by default. */
  now?: () => number;
  /** Default 200: the n-th retry of a failed invocation waits n times this. */
  retryDelayMs?: number;
}

/** A running EventBridge Scheduler emulator. */
export interface SchedulerEmulator extends EmulatorHandle {
  /** The current schedules, keyed `<group>/<name>`. */
  schedules: ReadonlyMap<string, EmulatedSchedule>;
  /** Every CreateSchedule input received (refused ones too), in order. */
  created: Record<string, unknown>[];
  /** The names DeleteSchedule removed, in order (not those deleted after firing). */
  deleted: string[];
  /** Every invocation handed over to `onFire`. */
  fired: FiredSchedule[];
  /** Every invocation that ran out of retries, with where AWS would have sent it. */
  deadLetters: DeadLetter[];
  /** The next `n` CreateSchedule calls fail with `errorType` and `status`, creating nothing (0 clears it). */
  failNextCreates(n: number, errorType?: string, status?: number): void;
  /** Fires the schedule now; resolves once it was handed over or dead-lettered. Rejects if there is none. */
  fire(name: string, group?: string): Promise<void>;
  /** The schedules due at `now` (default: the `now` option) that have not fired yet. */
  due(now?: number): EmulatedSchedule[];
  /** Resolves once no invocation is in flight. */
  settled(): Promise<void>;
}

const JSON_CONTENT = "application/json";
const ROUTE = /^\/schedules\/([^/]+)$/;

/**
 * Starts an EventBridge Scheduler emulator speaking restJson1 as the SDK does: the schedule name in the path,
 * GroupName in the CreateSchedule body but in the `groupName` query parameter of Get and Delete.
 */
export async function startSchedulerEmulator(
  options: SchedulerEmulatorOptions = {},
): Promise<SchedulerEmulator> {
  const { region, accountId } = scopeOf(options);
  const firer = new ScheduleFirer({
    now: options.now ?? Date.now,
    autoFire: options.autoFire ?? true,
    retryDelayMs: options.retryDelayMs ?? 200,
    ...(options.onFire === undefined ? {} : { onFire: options.onFire }),
  });
  const api = new SchedulerApi(firer, `arn:aws:scheduler:${region}:${accountId}:schedule/`);
  const server = await startJsonServer(
    options,
    { contentType: JSON_CONTENT, messageKey: "Message" },
    (req, body, res) => api.handle(req, body, res),
  );
  return {
    url: server.url,
    calls: api.calls,
    schedules: firer.schedules,
    created: api.created,
    deleted: api.deleted,
    fired: firer.fired,
    deadLetters: firer.deadLetters,
    failNextCreates: (n, errorType = "InternalServerException", status = 500) => {
      // Replaces what was set before: 0 clears it.
      api.createFailures.length = 0;
      for (let i = 0; i < n; i += 1)
        api.createFailures.push(new AwsError(errorType, `${errorType} (set by the emulator).`, status));
    },
    fire: (name, group = "default") => firer.fire(`${group}/${name}`),
    due: (now) => firer.due(now),
    settled: () => firer.settled(),
    close: async () => {
      firer.close();
      await server.close();
    },
  };
}

/** The three operations, routed as restJson1 binds them. */
class SchedulerApi {
  readonly calls: AwsCall[] = [];
  readonly created: Record<string, unknown>[] = [];
  readonly deleted: string[] = [];
  readonly createFailures: AwsError[] = [];

  constructor(
    private readonly firer: ScheduleFirer,
    private readonly arnPrefix: string,
  ) {}

  async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = ROUTE.exec(url.pathname);
    const name = match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
    const query = url.searchParams;
    if (name !== undefined && req.method === "POST")
      return this.answer(res, this.create(name, parseJsonBody(body)));
    if (name !== undefined && req.method === "DELETE") return this.answer(res, this.remove(name, query));
    if (name !== undefined && req.method === "GET") return this.answer(res, this.get(name, query));
    throw new AwsError("UnknownOperationException", `No operation is ${req.method} ${url.pathname}.`, 404);
  }

  private answer(res: ServerResponse, body: unknown): void {
    sendJson(res, 200, body, JSON_CONTENT);
  }

  private record(action: string, group: string, name: string, input: unknown): string {
    const arn = `${this.arnPrefix}${group}/${name}`;
    this.calls.push({
      service: "scheduler",
      action,
      resource: arn,
      at: this.firer.now(),
      input,
      ...principalNow(),
    });
    return arn;
  }

  private create(name: string, body: Record<string, unknown>): unknown {
    // The SDK moves Name into the path: put it back, so `input` is the command input as sent.
    const input = { Name: name, ...body };
    const group = typeof body.GroupName === "string" ? body.GroupName : "default";
    const arn = this.record("CreateSchedule", group, name, input);
    this.created.push(input);
    const failure = this.createFailures.shift();
    if (failure) throw failure;
    validate(input);
    if (this.firer.schedules.has(`${group}/${name}`)) {
      throw new AwsError("ConflictException", `Schedule ${name} already exists.`, 409);
    }
    this.firer.add({
      name,
      groupName: group,
      arn,
      input,
      fireAt: fireAtOf(input),
      createdAt: this.firer.now(),
    });
    return { ScheduleArn: arn };
  }

  private remove(name: string, query: URLSearchParams): unknown {
    const group = query.get("groupName") ?? "default";
    const input = {
      Name: name,
      ...optional("GroupName", query.get("groupName")),
      ...optional("ClientToken", query.get("clientToken")),
    };
    this.record("DeleteSchedule", group, name, input);
    if (!this.firer.remove(`${group}/${name}`)) throw notFound(name);
    this.deleted.push(name);
    return {};
  }

  private get(name: string, query: URLSearchParams): unknown {
    const group = query.get("groupName") ?? "default";
    this.record("GetSchedule", group, name, { Name: name, ...optional("GroupName", query.get("groupName")) });
    const schedule = this.firer.schedules.get(`${group}/${name}`);
    if (!schedule) throw notFound(name);
    const { Name: _name, GroupName: _group, ClientToken: _token, ...rest } = schedule.input;
    const seconds = Math.floor(schedule.createdAt / 1000);
    return {
      ...rest,
      Arn: schedule.arn,
      Name: name,
      GroupName: group,
      State: rest.State ?? "ENABLED",
      ActionAfterCompletion: rest.ActionAfterCompletion ?? "NONE",
      CreationDate: seconds,
      LastModificationDate: seconds,
    };
  }
}

function optional(key: string, value: string | null): Record<string, string> {
  return value === null ? {} : { [key]: value };
}

function notFound(name: string): AwsError {
  return new AwsError("ResourceNotFoundException", `Schedule ${name} does not exist.`, 404);
}

/** The fields Scheduler requires; a missing one is a ValidationException, as in AWS. */
function validate(input: Record<string, unknown>): void {
  const target = input.Target as Record<string, unknown> | undefined;
  const window = input.FlexibleTimeWindow as Record<string, unknown> | undefined;
  const missing = [
    typeof input.ScheduleExpression === "string" ? undefined : "ScheduleExpression",
    typeof target?.Arn === "string" ? undefined : "Target.Arn",
    typeof target?.RoleArn === "string" ? undefined : "Target.RoleArn",
    typeof window?.Mode === "string" ? undefined : "FlexibleTimeWindow.Mode",
  ].filter((field) => field !== undefined);
  if (missing.length > 0)
    throw new AwsError("ValidationException", `Missing required fields: ${missing.join(", ")}.`);
}

const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;

/**
 * The epoch ms of a one-time `at(yyyy-mm-ddThh:mm:ss)` expression. Only UTC is supported; rate() and cron()
 * are refused rather than accepted and never fired, so a test cannot pass on a schedule that would not run.
 */
export function fireAtOf(input: Record<string, unknown>): number {
  const zone = input.ScheduleExpressionTimezone ?? "UTC";
  if (zone !== "UTC" && zone !== "Etc/UTC") {
    throw new AwsError("ValidationException", `The emulator supports only UTC, not ${String(zone)}.`);
  }
  const parts = AT.exec(String(input.ScheduleExpression))?.slice(1).map(Number);
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = parts ?? [];
  const at = Date.UTC(year, month - 1, day, hour, minute, second);
  const valid =
    parts !== undefined &&
    new Date(at).toISOString().slice(0, 19) === String(input.ScheduleExpression).slice(3, 22);
  if (!valid) {
    throw new AwsError(
      "ValidationException",
      `Invalid Schedule Expression ${String(input.ScheduleExpression)}.`,
    );
  }
  return at;
}
