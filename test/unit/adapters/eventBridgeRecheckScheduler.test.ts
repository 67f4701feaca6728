import { createHash } from "node:crypto";
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  atExpression,
  EventBridgeRecheckScheduler,
} from "../../../src/adapters/aws/EventBridgeRecheckScheduler.js";
import { GatewayError } from "../../../src/domain/errors.js";
import { SchedulingError } from "../../../src/ports/RecheckScheduler.js";

const CHANGE = "0b5c1f9e-2d4a-4c8b-9e7f-3a6d1c2b4e5f";
const NOW = Date.UTC(2026, 10, 28, 11, 0, 0, 0);
const scheduler = mockClient(SchedulerClient);

function adapter() {
  return new EventBridgeRecheckScheduler({
    client: new SchedulerClient({ region: "eu-west-1" }),
    groupName: "recheck",
    targetArn: "arn:aws:lambda:eu-west-1:123456789012:function:gw-recheck",
    roleArn: "arn:aws:iam::123456789012:role/gw-scheduler",
    deadLetterArn: "arn:aws:sqs:eu-west-1:123456789012:gw-recheck-dlq",
    now: () => NOW,
  });
}

function createInputs() {
  return scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

describe("EventBridgeRecheckScheduler.schedule", () => {
  beforeEach(() => scheduler.reset());

  it("creates a one-time, self-deleting schedule that invokes the re-check with {changeId, attempt}", async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn:aws:scheduler:::schedule/recheck/x" });
    await adapter().schedule({ changeId: CHANGE, attempt: 3 }, Date.UTC(2026, 10, 28, 12, 0, 0, 250));
    const name = `recheck-${CHANGE}-3`;
    expect(createInputs()).toEqual([
      {
        Name: name,
        GroupName: "recheck",
        ScheduleExpression: "at(2026-11-28T12:00:01)",
        ScheduleExpressionTimezone: "UTC",
        FlexibleTimeWindow: { Mode: "OFF" },
        ActionAfterCompletion: "DELETE",
        Target: {
          Arn: "arn:aws:lambda:eu-west-1:123456789012:function:gw-recheck",
          RoleArn: "arn:aws:iam::123456789012:role/gw-scheduler",
          Input: JSON.stringify({ changeId: CHANGE, attempt: 3 }),
          DeadLetterConfig: { Arn: "arn:aws:sqs:eu-west-1:123456789012:gw-recheck-dlq" },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
        },
        ClientToken: sha256(name),
      },
    ]);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(createInputs()[0]?.ClientToken).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
  });

  it("uses the same name and client token when the same re-check is scheduled again", async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    const at = NOW + 60_000;
    await adapter().schedule({ changeId: CHANGE, attempt: 1 }, at);
    await adapter().schedule({ changeId: CHANGE, attempt: 1 }, at);
    const [first, second] = createInputs();
    expect(second?.Name).toBe(first?.Name);
    expect(second?.ClientToken).toBe(first?.ClientToken);
  });

  it("treats ConflictException (the schedule already exists) as success", async () => {
    scheduler.on(CreateScheduleCommand).rejects(
      new ConflictException({
        message: "Schedule already exists.",
        Message: "Schedule already exists.",
        $metadata: {},
      }),
    );
    await expect(adapter().schedule({ changeId: CHANGE, attempt: 2 }, NOW + 5_000)).resolves.toBeUndefined();
  });

  it("wraps any other error in a SchedulingError that keeps the SDK error as cause", async () => {
    const sdkError = new ValidationException({
      message: "bad expression",
      Message: "bad expression",
      $metadata: {},
    });
    scheduler.on(CreateScheduleCommand).rejects(sdkError);
    const error = await adapter()
      .schedule({ changeId: CHANGE, attempt: 2 }, NOW + 5_000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchedulingError);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as SchedulingError).name).toBe("SchedulingError");
    expect((error as SchedulingError).message).toContain(`recheck-${CHANGE}-2`);
    expect((error as SchedulingError).cause).toBe(sdkError);
  });

  it("refuses, before any API call, a change id that would make an invalid schedule name", async () => {
    const tooLong = "x".repeat(60);
    await expect(adapter().schedule({ changeId: tooLong, attempt: 1 }, NOW)).rejects.toBeInstanceOf(
      SchedulingError,
    );
    await expect(adapter().schedule({ changeId: "a/b", attempt: 1 }, NOW)).rejects.toBeInstanceOf(
      SchedulingError,
    );
    await expect(adapter().schedule({ changeId: CHANGE, attempt: Number.NaN }, NOW)).rejects.toBeInstanceOf(
      SchedulingError,
    );
    await expect(adapter().schedule({ changeId: CHANGE, attempt: 1 }, Number.NaN)).rejects.toBeInstanceOf(
      SchedulingError,
    );
    expect(createInputs()).toEqual([]);
  });
});

describe("atExpression", () => {
  it("keeps a whole second and rounds any fraction up", () => {
    expect(atExpression(Date.UTC(2026, 10, 28, 12, 0, 0, 0), NOW)).toBe("at(2026-11-28T12:00:00)");
    expect(atExpression(Date.UTC(2026, 10, 28, 12, 0, 0, 1), NOW)).toBe("at(2026-11-28T12:00:01)");
    expect(atExpression(Date.UTC(2026, 11, 31, 23, 59, 59, 999), NOW)).toBe("at(2027-01-01T00:00:00)");
  });

  it("formats in UTC with zero-padded fields", () => {
    expect(atExpression(Date.UTC(2027, 0, 2, 3, 4, 5), NOW)).toBe("at(2027-01-02T03:04:05)");
  });

  it("uses now + 1 s for an instant that is not in the future", () => {
    expect(atExpression(NOW - 3_600_000, NOW)).toBe("at(2026-11-28T11:00:01)");
    expect(atExpression(NOW, NOW)).toBe("at(2026-11-28T11:00:01)");
    expect(atExpression(NOW - 1, NOW + 500)).toBe("at(2026-11-28T11:00:02)");
  });
});

describe("EventBridgeRecheckScheduler.cancel", () => {
  beforeEach(() => scheduler.reset());

  it("deletes the schedule by name and group", async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    await adapter().cancel({ changeId: CHANGE, attempt: 4 });
    expect(scheduler.commandCalls(DeleteScheduleCommand).map((call) => call.args[0].input)).toEqual([
      { Name: `recheck-${CHANGE}-4`, GroupName: "recheck" },
    ]);
  });

  it("treats a schedule that does not exist (already fired) as cancelled", async () => {
    scheduler.on(DeleteScheduleCommand).rejects(
      new ResourceNotFoundException({
        message: "Schedule not found.",
        Message: "Schedule not found.",
        $metadata: {},
      }),
    );
    await expect(adapter().cancel({ changeId: CHANGE, attempt: 4 })).resolves.toBeUndefined();
  });

  it("wraps other delete errors with cause", async () => {
    const sdkError = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    scheduler.on(DeleteScheduleCommand).rejects(sdkError);
    const error = await adapter()
      .cancel({ changeId: CHANGE, attempt: 4 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchedulingError);
    expect((error as SchedulingError).cause).toBe(sdkError);
  });
});
