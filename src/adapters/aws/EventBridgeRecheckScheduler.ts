import { createHash } from "node:crypto";
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  type SchedulerClient,
} from "@aws-sdk/client-scheduler";
import type { RecheckRequest, RecheckScheduler } from "../../ports/RecheckScheduler.js";
import { SchedulingError } from "../../ports/RecheckScheduler.js";

/** Options of {@link EventBridgeRecheckScheduler}. */
export interface EventBridgeRecheckSchedulerOptions {
  client: SchedulerClient;
  /** The schedule group holding the re-check schedules. */
  groupName: string;
  /** The Lambda function the schedule invokes. */
  targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke the target. */
  roleArn: string;
  /** The SQS queue receiving invocations that ran out of retries. */
  deadLetterArn: string;
  /** Epoch ms; `Date.now` by default. */
  now?: () => number;
}

/** Scheduler's limits on a schedule name. */
const NAME_PATTERN = /^[0-9a-zA-Z\-_.]+$/;
const NAME_MAX_LENGTH = 64;

/** The schedule name of one re-check: deterministic, so a duplicate create fails with a conflict. */
export function recheckScheduleName(request: RecheckRequest): string {
  return `recheck-${request.changeId}-${request.attempt}`;
}

/**
 * The `at()` expression for an epoch-ms instant, in UTC, rounded up to the next whole second (Scheduler takes
 * no fractions). An instant not in the future becomes `now + 1 s`: Scheduler then fires at its next minute.
 */
export function atExpression(at: number, now: number): string {
  const target = at > now ? at : now + 1000;
  const seconds = Math.ceil(target / 1000);
  return `at(${new Date(seconds * 1000).toISOString().slice(0, 19)})`;
}

/**
 * Schedules each re-check as an EventBridge Scheduler one-time schedule that invokes the re-check Lambda with
 * `{changeId, attempt}` and deletes itself after it fired.
 */
export class EventBridgeRecheckScheduler implements RecheckScheduler {
  private readonly options: EventBridgeRecheckSchedulerOptions;
  private readonly now: () => number;

  constructor(options: EventBridgeRecheckSchedulerOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** Creates the schedule; an existing schedule of the same name means it is already arranged. */
  async schedule(request: RecheckRequest, at: number): Promise<void> {
    const name = validName(request);
    if (!Number.isFinite(at)) throw new SchedulingError(`Schedule ${name} has no valid time.`);
    const { client, groupName, targetArn, roleArn, deadLetterArn } = this.options;
    const command = new CreateScheduleCommand({
      Name: name,
      GroupName: groupName,
      ScheduleExpression: atExpression(at, this.now()),
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      Target: {
        Arn: targetArn,
        RoleArn: roleArn,
        Input: JSON.stringify({ changeId: request.changeId, attempt: request.attempt }),
        DeadLetterConfig: { Arn: deadLetterArn },
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
      },
      // Same token for the same schedule: the SDK's own retries of this call cannot create it twice.
      ClientToken: clientToken(name),
    });
    try {
      await client.send(command);
    } catch (error) {
      if (errorName(error) === "ConflictException") return;
      throw new SchedulingError(`Could not create schedule ${name} in group ${groupName}.`, { cause: error });
    }
  }

  /** Deletes the schedule; one that does not exist (already fired, or never created) is already gone. */
  async cancel(request: RecheckRequest): Promise<void> {
    const name = validName(request);
    const { client, groupName } = this.options;
    try {
      await client.send(new DeleteScheduleCommand({ Name: name, GroupName: groupName }));
    } catch (error) {
      if (errorName(error) === "ResourceNotFoundException") return;
      throw new SchedulingError(`Could not delete schedule ${name} in group ${groupName}.`, { cause: error });
    }
  }
}

/** The schedule name, refused before any API call when Scheduler would refuse it. */
function validName(request: RecheckRequest): string {
  const name = recheckScheduleName(request);
  const attemptOk = Number.isSafeInteger(request.attempt) && request.attempt >= 0;
  if (!attemptOk || name.length > NAME_MAX_LENGTH || !NAME_PATTERN.test(name)) {
    // The change id is ours (a UUID), so naming it in the message leaks nothing.
    throw new SchedulingError(
      `Cannot name a schedule for change ${JSON.stringify(request.changeId)} attempt ${request.attempt}: ` +
        `the name must be at most ${NAME_MAX_LENGTH} characters of [0-9a-zA-Z-_.].`,
    );
  }
  return name;
}

/** 64 hex characters: within ClientToken's limits (1–64 of [a-zA-Z0-9-_]), whatever the name holds. */
function clientToken(name: string): string {
  return createHash("sha256").update(name).digest("hex");
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
