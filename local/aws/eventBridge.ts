import { randomUUID } from "node:crypto";
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
import { assertEventPattern, type EventPattern, matchesPattern } from "./eventPattern.js";

/** An event as EventBridge delivers it to a rule's target, plus the bus it was put on. */
export interface DeliveredEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  /** ISO 8601 to the second, as EventBridge writes it (`2026-11-28T12:00:00Z`). */
  time: string;
  region: string;
  resources: string[];
  /** The entry's `Detail`, parsed. */
  detail: unknown;
  /** Not part of the delivered event: which bus it was put on (a bus name, never an ARN). */
  eventBusName: string;
}

/** An event exactly as a rule's target receives it. */
export type TargetEvent = Omit<DeliveredEvent, "eventBusName">;

/** A rule on one bus: events matching `pattern` go to `target`. */
export interface EmulatedRule {
  name: string;
  /** A bus name or ARN; default `default`. */
  eventBusName?: string;
  /** An EventBridge event pattern (see `eventPattern.ts` for what is supported). */
  pattern: object;
  target: (event: TargetEvent) => Promise<void>;
}

/** A target that rejected (or threw): EventBridge would retry it and then drop it or dead-letter it. */
export interface DeliveryFailure {
  rule: string;
  event: DeliveredEvent;
  error: unknown;
}

/** A running EventBridge emulator. */
export interface EventBridgeEmulator extends EmulatorHandle {
  /** Every event taken, in order. */
  published: DeliveredEvent[];
  deliveryFailures: DeliveryFailure[];
  /** Adds a rule; throws a TypeError for a pattern EventBridge would refuse. */
  addRule(rule: EmulatedRule): void;
  /** Every entry of the next `n` PutEvents calls is refused (HTTP 200, `ErrorCode: InternalFailure`). */
  failNextPuts(n: number): void;
  /**
   * An event AWS itself puts on a bus (default: `default`), kept as it is, its account and region included:
   * CloudTrail's record of a call on the caller account's default bus, or a peer account's rule forwarding it.
   */
  putFromAws(event: TargetEvent, eventBusName?: string): void;
  /** Resolves once every delivery to rule targets started so far has ended. */
  settled(): Promise<void>;
}

const JSON_11 = "application/x-amz-json-1.1";
const MAX_ENTRIES = 10;

/**
 * Starts an EventBridge emulator (awsJson1_1, `X-Amz-Target: AWSEvents.PutEvents`) that takes events on any
 * bus and delivers them to the matching rules after answering, as EventBridge does.
 */
export async function startEventBridgeEmulator(options: EmulatorOptions = {}): Promise<EventBridgeEmulator> {
  const bus = new EmulatedBus(scopeOf(options));
  const server = await startJsonServer(options, { contentType: JSON_11 }, async (req, body, res) => {
    const target = req.headers["x-amz-target"];
    if (target !== "AWSEvents.PutEvents") {
      throw new AwsError("UnknownOperationException", `The emulator does not know ${String(target)}.`);
    }
    const { answer, taken } = bus.putEvents(parseJsonBody(body));
    sendJson(res, 200, answer, JSON_11);
    // Delivery starts once the caller has its answer: a slow or failing target never delays PutEvents.
    setImmediate(() => bus.deliver(taken));
  });
  return {
    url: server.url,
    calls: bus.calls,
    published: bus.published,
    deliveryFailures: bus.deliveryFailures,
    addRule: (rule) => bus.addRule(rule),
    failNextPuts: (n) => {
      bus.failingPuts += n;
    },
    putFromAws: (event, eventBusName) => {
      const taken = { ...event, eventBusName: busNameOf(eventBusName) };
      bus.published.push(taken);
      setImmediate(() => bus.deliver([taken]));
    },
    settled: () => bus.settled(),
    close: server.close,
  };
}

/** The buses' state: rules, events and calls. */
class EmulatedBus {
  readonly calls: AwsCall[] = [];
  readonly published: DeliveredEvent[] = [];
  readonly deliveryFailures: DeliveryFailure[] = [];
  failingPuts = 0;
  private readonly rules: Array<
    Pick<EmulatedRule, "name" | "target"> & { busName: string; pattern: EventPattern }
  > = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly scope: { region: string; accountId: string }) {}

  addRule(rule: EmulatedRule): void {
    const pattern: unknown = rule.pattern;
    assertEventPattern(pattern);
    this.rules.push({ name: rule.name, target: rule.target, pattern, busName: busNameOf(rule.eventBusName) });
  }

  putEvents(input: Record<string, unknown>): { answer: unknown; taken: DeliveredEvent[] } {
    const entries = Array.isArray(input.Entries) ? (input.Entries as Record<string, unknown>[]) : [];
    // IAM evaluates PutEvents against every bus the entries name: one call per bus.
    const buses = new Set(entries.map((entry) => busNameOf(entry.EventBusName)));
    for (const name of buses.size > 0 ? buses : ["default"]) {
      const resource = `arn:aws:events:${this.scope.region}:${this.scope.accountId}:event-bus/${name}`;
      this.calls.push({
        service: "events",
        action: "PutEvents",
        resource,
        at: Date.now(),
        input,
        ...principalNow(),
      });
    }
    if (entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw new AwsError("ValidationException", `Entries must hold 1 to ${MAX_ENTRIES} entries.`);
    }
    const failing = this.failingPuts > 0;
    if (failing) this.failingPuts -= 1;
    const taken: DeliveredEvent[] = [];
    const results = entries.map((entry) => {
      if (failing)
        return { ErrorCode: "InternalFailure", ErrorMessage: "Internal failure (set by the emulator)." };
      const event = this.toEvent(entry);
      if ("ErrorCode" in event) return event;
      taken.push(event);
      this.published.push(event);
      return { EventId: event.id };
    });
    return { answer: { FailedEntryCount: entries.length - taken.length, Entries: results }, taken };
  }

  /** Runs every matching rule's target; a failure is recorded, never thrown (this runs outside any request). */
  deliver(events: DeliveredEvent[]): void {
    for (const event of events) {
      const { eventBusName, ...delivered } = event;
      for (const rule of this.rules.filter((r) => r.busName === eventBusName)) {
        const run = Promise.resolve()
          .then(() => (matchesPattern(rule.pattern, delivered) ? rule.target(delivered) : undefined))
          .catch((error: unknown) => {
            this.deliveryFailures.push({ rule: rule.name, event, error });
          })
          .finally(() => this.inFlight.delete(run));
        this.inFlight.add(run);
      }
    }
  }

  async settled(): Promise<void> {
    // Let a delivery scheduled with setImmediate after the last answer start first.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The event EventBridge makes of one entry, or the per-entry error it answers for a bad one. */
  private toEvent(
    entry: Record<string, unknown>,
  ): DeliveredEvent | { ErrorCode: string; ErrorMessage: string } {
    for (const field of ["Source", "DetailType", "Detail"]) {
      if (typeof entry[field] !== "string" || entry[field] === "") {
        const reason = `${field} is a required argument.`;
        return {
          ErrorCode: "InvalidArgument",
          ErrorMessage: `Parameter ${field} is not valid. Reason: ${reason}`,
        };
      }
    }
    const detail = parseDetail(String(entry.Detail));
    if (detail === undefined) return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
    return {
      version: "0",
      id: randomUUID(),
      "detail-type": String(entry.DetailType),
      source: String(entry.Source),
      account: this.scope.accountId,
      time: isoSeconds(entry.Time),
      region: this.scope.region,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      detail,
      eventBusName: busNameOf(entry.EventBusName),
    };
  }
}

/** A bus is named by its name or its ARN (`…:event-bus/<name>`); absent, it is `default`. */
function busNameOf(value: unknown): string {
  if (typeof value !== "string" || value === "") return "default";
  return value.startsWith("arn:") ? value.slice(value.lastIndexOf("/") + 1) : value;
}

/** Detail must be a JSON object. */
function parseDetail(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The SDK sends `Time` as epoch seconds (a JSON number, maybe fractional); EventBridge writes whole seconds. */
function isoSeconds(time: unknown): string {
  const ms =
    typeof time === "number" ? time * 1000 : typeof time === "string" ? Date.parse(time) : Number.NaN;
  return new Date(Number.isFinite(ms) ? ms : Date.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
}
