import { describe, expect, it } from "vitest";
import type { Caller, EventSourceIdentity } from "../../../../src/access/callers.js";
import { changeRejection } from "../../../../src/channels/eventbridge/rejection.js";
import { callerForEvent, parseRequestedEvent } from "../../../../src/channels/eventbridge/requestedEvent.js";
import { REJECTED_DETAIL_TYPE, REQUESTED_DETAIL_TYPE } from "../../../../src/ports/ChangeNotifications.js";

const GROUP = "5f1e2d3c4b5a69788796a5b4";
const PEER = "6a0b1c2d3e4f5a6b7c8d9e0f";
const ACCOUNT = "123456789012";
/** Keys in an order the schema would not produce, to prove rawPeering is the object as sent. */
const PEERING = {
  vpcId: "vpc-0123456789abcdef0",
  routeTableCidrBlock: "10.15.0.0/24",
  providerName: "AWS",
  containerId: "5e57d85c854180642f7844bf",
  awsAccountId: "358363220050",
  accepterRegionName: "us-east-1",
};

function event(detail: unknown = { groupId: GROUP, peerId: PEER, peering: PEERING }, extra: object = {}) {
  return {
    version: "0",
    id: "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": REQUESTED_DETAIL_TYPE,
    source: "com.example.network-pipeline",
    account: ACCOUNT,
    time: "2026-11-28T12:00:00Z",
    region: "eu-west-1",
    resources: [],
    detail,
    ...extra,
  };
}

const ENVELOPE = {
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  source: "com.example.network-pipeline",
  account: ACCOUNT,
};

describe("parseRequestedEvent", () => {
  it("accepts a valid event and keeps the peering exactly as sent", () => {
    const detail = { groupId: GROUP, peerId: PEER, peering: PEERING, reason: "new CIDR" };
    const result = parseRequestedEvent(event(detail));
    expect(result).toEqual({
      ok: true,
      value: {
        ...ENVELOPE,
        time: "2026-11-28T12:00:00Z",
        request: { groupId: GROUP, peerId: PEER, peering: PEERING, reason: "new CIDR" },
        rawPeering: PEERING,
      },
    });
    if (!result.ok) throw new Error("expected a valid event");
    expect(result.value.rawPeering).toBe(detail.peering);
    expect(JSON.stringify(result.value.rawPeering)).toBe(JSON.stringify(PEERING));
    expect(result.value).not.toHaveProperty("idempotencyKey");
  });

  it("extracts the idempotency key and validates the rest as a change request", () => {
    const result = parseRequestedEvent(
      event({ groupId: GROUP, peerId: PEER, peering: PEERING, idempotencyKey: "run-42/step 3" }),
    );
    expect(result).toMatchObject({ ok: true, value: { idempotencyKey: "run-42/step 3" } });
    if (!result.ok) throw new Error("expected a valid event");
    expect(result.value.request).not.toHaveProperty("idempotencyKey");
  });

  it.each([
    ["empty", ""],
    ["too long", "k".repeat(256)],
    ["non-ASCII", "clé"],
    ["a control character", "a\nb"],
    ["not a string", 42],
    // The one rule of every channel: HTTP cannot carry a leading or trailing space in a header value.
    ["led by a space", " run-42"],
    ["ended by a space", "run-42 "],
  ])("refuses an idempotency key that is %s", (_, idempotencyKey) => {
    const result = parseRequestedEvent(
      event({ groupId: GROUP, peerId: PEER, peering: PEERING, idempotencyKey }),
    );
    expect(result).toMatchObject({ ok: false, errors: [{ path: "detail.idempotencyKey" }] });
  });

  it("accepts an idempotency key of 255 printable characters", () => {
    const idempotencyKey = "~".repeat(255);
    const result = parseRequestedEvent(
      event({ groupId: GROUP, peerId: PEER, peering: PEERING, idempotencyKey }),
    );
    expect(result).toMatchObject({ ok: true, value: { idempotencyKey } });
  });

  it("reports every bad detail field at once, under detail.", () => {
    const result = parseRequestedEvent(
      event({
        groupId: "ABC",
        peerId: PEER,
        peering: { ...PEERING, vpcId: "vpc-abc123abc123", statusName: "AVAILABLE" },
        idempotencyKey: "",
        extra: true,
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toEqual([
      "detail.extra",
      "detail.groupId",
      "detail.idempotencyKey",
      "detail.peering.statusName",
      "detail.peering.vpcId",
    ]);
    expect(result.envelope).toEqual(ENVELOPE);
  });

  it("refuses an event without detail", () => {
    const { detail: _, ...withoutDetail } = event();
    expect(parseRequestedEvent(withoutDetail)).toEqual({
      ok: false,
      errors: [{ path: "detail", message: "is required" }],
      envelope: ENVELOPE,
    });
  });

  it.each([
    ["a string", "{}"],
    ["an array", []],
    ["null", null],
  ])("refuses a detail that is %s", (_, detail) => {
    expect(parseRequestedEvent(event(detail))).toMatchObject({
      ok: false,
      errors: [{ path: "detail", message: "must be a JSON object" }],
    });
  });

  it("refuses another detail-type without reading the detail", () => {
    const result = parseRequestedEvent(event({ nonsense: true }, { "detail-type": REJECTED_DETAIL_TYPE }));
    expect(result).toEqual({
      ok: false,
      errors: [{ path: "detail-type", message: `must be "${REQUESTED_DETAIL_TYPE}"` }],
      envelope: ENVELOPE,
    });
  });

  it("reports envelope problems together, and names the event as far as it can", () => {
    const result = parseRequestedEvent(event({}, { id: "", account: "12345", source: 7, detail: undefined }));
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: "account", message: "must be a 12-digit AWS account id" },
        { path: "detail", message: "is required" },
        { path: "id", message: "must be a non-empty string" },
        { path: "source", message: "must be a non-empty string" },
      ],
      envelope: { id: "", account: "12345" },
    });
  });

  it.each([
    ["null", null],
    ["a string", "event"],
    ["an array", []],
  ])("refuses an event that is %s", (_, input) => {
    expect(parseRequestedEvent(input)).toEqual({
      ok: false,
      errors: [{ path: "", message: "the event must be a JSON object" }],
    });
  });
});

describe("callerForEvent", () => {
  const caller = (id: string, eventSources?: EventSourceIdentity[]): Caller => ({
    id,
    tokenSha256: [],
    signingSecrets: [],
    projects: [{ groupId: "*" }],
    ...(eventSources ? { identities: { eventbridge: eventSources } } : {}),
  });
  const callers = [
    caller("http-only"),
    caller("pinned", [{ source: "com.example.pinned", account: ACCOUNT }]),
    caller("anywhere", [{ source: "com.example.other" }, { source: "com.example.anywhere" }]),
  ];

  it("finds a caller whose source matches, from any account when the entry names none", () => {
    expect(callerForEvent(callers, "com.example.anywhere", "999999999999")?.id).toBe("anywhere");
  });

  it("finds a caller whose source and account both match", () => {
    expect(callerForEvent(callers, "com.example.pinned", ACCOUNT)?.id).toBe("pinned");
  });

  it("finds nobody when the account differs from the entry's", () => {
    expect(callerForEvent(callers, "com.example.pinned", "999999999999")).toBeUndefined();
  });

  it("finds nobody for an unknown source, and compares sources exactly", () => {
    expect(callerForEvent(callers, "com.example", ACCOUNT)).toBeUndefined();
    expect(callerForEvent(callers, "COM.EXAMPLE.ANYWHERE", ACCOUNT)).toBeUndefined();
  });
});

describe("changeRejection", () => {
  it("keeps only the event's ids and copies the violations", () => {
    const errors = [{ path: "detail.groupId", message: "must be 24 lowercase hex characters" }];
    const whole = { ...ENVELOPE, detail: { peering: PEERING } };
    const rejection = changeRejection("the event is not a valid peering change request", errors, whole);
    expect(rejection).toEqual({
      reason: "the event is not a valid peering change request",
      errors,
      event: ENVELOPE,
    });
    expect(JSON.stringify(rejection)).not.toContain("vpc-0123456789abcdef0");
    expect(rejection.errors[0]).not.toBe(errors[0]);
  });

  it("has an empty event when the envelope had no ids", () => {
    expect(changeRejection("not an event", [])).toEqual({ reason: "not an event", errors: [], event: {} });
  });
});
