import type { AwsCall } from "../local/aws/calls.js";
import type { RecordedRequest } from "../local/simulator/recorder.js";

/** One call the stand-ins received, in the order they arrived across all of them. */
export interface IoEntry {
  service: "secretsmanager" | "dynamodb" | "scheduler" | "events" | "atlas";
  call?: AwsCall;
  request?: RecordedRequest;
}

/**
 * Records, in arrival order across every stand-in (Secrets Manager, DynamoDB, Scheduler, EventBridge and the
 * Atlas simulator), what a request made them do. The emulators' and the simulator's own logs are arrays they
 * `push` to; the recorder wraps those pushes, so it sees every call as it arrives, without touching them.
 */
export class IoRecorder {
  readonly entries: IoEntry[] = [];

  watch<T>(log: T[], wrap: (item: T) => IoEntry): void {
    const push = log.push.bind(log);
    log.push = (...items: T[]) => {
      for (const item of items) this.entries.push(wrap(item));
      return push(...items);
    };
  }

  mark(): number {
    return this.entries.length;
  }

  /** What arrived since `mark`, one string per call: `dynamodb PutItem attribute_not_exists(#pk)`, `atlas PATCH 200`. */
  since(mark: number): string[] {
    return this.entries.slice(mark).map(kindOf);
  }
}

function kindOf(entry: IoEntry): string {
  if (entry.request) return `atlas ${entry.request.method} ${entry.request.status ?? "?"}`;
  const call = entry.call;
  const input = (call?.input ?? {}) as Record<string, unknown>;
  if (entry.service === "dynamodb")
    return `dynamodb ${call?.action} ${String(input.ConditionExpression ?? "(unconditional)")}`;
  if (entry.service === "secretsmanager") return `secretsmanager ${call?.action} ${String(input.SecretId)}`;
  return `${entry.service} ${call?.action}`;
}

/** Counts per kind, for the report. */
export function tally(kinds: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kind of kinds) out[kind] = (out[kind] ?? 0) + 1;
  return out;
}

/** Same kinds, same counts (order aside: both run the audit write concurrently with the PATCH). */
export function sameIo(a: readonly string[], b: readonly string[]): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}
