/**
 * The bodies the gateway answers with, as zod schemas, for the OpenAPI document only: the routes build their
 * answers from TypeScript types (ChangeView, AuditRecord…), and these schemas say the same in a form JSON Schema
 * can carry. Objects the gateway writes itself are strict, so a field added to an answer without adding it here
 * fails test/integration/openapi.e2e.test.ts, which checks real answers against the document. Bodies that are
 * Atlas's own (a peer, a page of peers) are left open: the gateway passes them through unchanged.
 */
import * as z from "zod";
import { CHANNELS } from "../../../domain/channels.js";
import { CHANGE_STATES } from "../../../domain/peering/status.js";
import { AUDIT_OUTCOMES } from "../../../ports/AuditLog.js";

/** The registry the response components are emitted from (`components.schemas.<id>`). */
export const responseSchemas = z.registry<{ id?: string; description?: string }>();

const timestamp = z.iso.datetime().describe("ISO 8601 UTC time, e.g. 2026-11-28T09:15:00.000Z");
const state = z.enum(CHANGE_STATES).describe("Where the change is in its life");
const objectId = z.string().regex(/^[a-f0-9]{24}$/);

const violation = z
  .strictObject({
    path: z.string().describe('Dotted path of the value ("peering.vpcId", "query.limit"), "" for the body'),
    message: z.string().describe("What form the value must take"),
  })
  .register(responseSchemas, { id: "FieldViolation", description: "One problem with one value." });

export const problem = z
  .looseObject({
    type: z.url().describe("https://atlas-peering-gateway.dev/problems/<slug>, one per kind of problem"),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string(),
    instance: z.string().describe("The request's path"),
    requestId: z.string().describe("Also in the X-Request-Id header; quote it when asking for help"),
    errors: z.optional(z.array(violation).describe("Every broken rule at once (validation problems)")),
    changeRequestId: z.optional(z.string().describe("The change this problem is about, when one is")),
    remediation: z.optional(z.string()),
  })
  .register(responseSchemas, {
    id: "Problem",
    description: "RFC 9457 problem details (application/problem+json); extension members may follow.",
  });

export const atlasProblem = z
  .looseObject({
    ...problem.shape,
    error: z.int().describe("Atlas's ApiError.error: the HTTP status"),
    errorCode: z.string().describe("Atlas's code (INVALID_ATTRIBUTE…), or GATEWAY_… for the gateway's own"),
    reason: z.string().describe("The HTTP reason phrase"),
    parameters: z.array(z.string()),
    badRequestDetail: z.optional(
      z.strictObject({
        fields: z.array(z.strictObject({ field: z.string(), description: z.string() })),
      }),
    ),
  })
  .register(responseSchemas, {
    id: "AtlasProblem",
    description:
      "The gateway's own errors on the Atlas paths: a problem that also carries Atlas's ApiError members, " +
      "sent as application/json as Atlas sends its errors, so Atlas clients (Go SDK, Terraform) read it.",
  });

export const atlasError = z
  .looseObject({
    error: z.int(),
    errorCode: z.string(),
    detail: z.optional(z.string()),
    reason: z.optional(z.string()),
    parameters: z.optional(z.array(z.unknown())),
  })
  .register(responseSchemas, {
    id: "AtlasError",
    description: "Atlas's own error (its ApiError), passed through unchanged on the Atlas paths.",
  });

const transition = z
  .strictObject({
    at: timestamp,
    from: z.nullable(state),
    to: state,
    atlasStatus: z.optional(z.string().describe("Atlas's peer status then, e.g. PENDING_ACCEPTANCE")),
    note: z.optional(z.string()),
  })
  .register(responseSchemas, { id: "Transition", description: "One step in a change's life." });

const atlasObservation = z
  .strictObject({
    status: z.optional(z.string().describe("AWS statusName, Azure/GCP status")),
    error: z.optional(z.string().describe("AWS errorStateName, Azure errorState, GCP errorMessage")),
    connectionId: z.optional(z.string()),
    httpStatus: z.optional(z.int().describe("Atlas's HTTP status for the last PATCH or GET")),
    errorCode: z.optional(z.string()),
    detail: z.optional(z.string()),
    peer: z.optional(z.record(z.string(), z.nullable(z.string())).describe("The peer's settings at Atlas")),
  })
  .register(responseSchemas, {
    id: "AtlasObservation",
    description: "What the gateway last learnt from Atlas about the peer.",
  });

export const changeView = z
  .strictObject({
    id: z.string(),
    state,
    groupId: objectId,
    peerId: objectId,
    provider: z.enum(["AWS", "AZURE", "GCP"]),
    apiVersion: z.enum(["v1.0", "v2"]),
    callerId: z.string(),
    channel: z.enum(CHANNELS),
    correlationId: z.string().describe("The request that created the change (logs, events, callbacks)"),
    reason: z.optional(z.string()),
    callbackUrl: z.optional(z.string().describe("Scheme, host and path only: a query may hold a token")),
    desired: z.unknown().describe("The peering body sent to Atlas, as the caller wrote it"),
    atlas: atlasObservation,
    attempt: z.int().min(0),
    nextCheckAt: z.optional(timestamp),
    deadline: timestamp,
    createdAt: timestamp,
    updatedAt: timestamp,
    history: z.array(transition),
    nextAction: z.optional(z.string().describe("While WAITING_FOR_USER: the step a person must take")),
    nextActionCommands: z.optional(z.array(z.string()).describe("The same step as commands to paste")),
    acceptBy: z.optional(
      timestamp.describe("While an AWS peering request waits for acceptance: when AWS expires it"),
    ),
    acceptByFrom: z.optional(
      z
        .enum(["aws", "estimate"])
        .describe(
          "aws: the request's expirationTime; estimate: 7 days after the gateway first saw it pending",
        ),
    ),
    remediation: z.optional(
      z
        .string()
        .describe(
          "FAILED, REJECTED, TIMED_OUT: what to do about it; WAITING_FOR_USER: why the gateway's acceptance in the peer's AWS account cannot go on",
        ),
    ),
    links: z.strictObject({ self: z.string() }),
  })
  .register(responseSchemas, { id: "ChangeView", description: "A change as the API shows it." });

export const submitAnswer = z
  .strictObject({
    id: z.string(),
    state,
    atlas: z.unknown().describe("Atlas's answer to the PATCH (parsed JSON), or null before Atlas answered"),
    warnings: z.array(z.string()),
    change: changeView,
  })
  .register(responseSchemas, { id: "SubmitAnswer", description: "A change was taken (or replayed)." });

const fieldChange = z.strictObject({
  field: z.string(),
  current: z.nullable(z.string()),
  desired: z.string(),
});

/** The guardrails' verdict on a dry run: the project policy and the overlap check (see README "Guardrails"). */
const guardVerdict = z
  .strictObject({
    allowed: z.boolean().describe("False: the change would be refused as `refusal` says, and nothing sent"),
    policy: z.enum(["none", "allowed", "refused"]).describe("`none`: no policy applies to the project"),
    overlap: z
      .enum(["not needed", "allowed by policy", "clear", "refused", "not checked"])
      .describe(
        "`not needed`: the CIDR does not change; `not checked`: Atlas could not be read (see warnings)",
      ),
    refusal: z.optional(
      z
        .looseObject({ status: z.number(), type: z.string(), detail: z.string() })
        .describe("The problem the change would be answered with (422 policy-refused, 409 overlapping-…)"),
    ),
  })
  .describe("The guardrails' verdict");

export const dryRunAnswer = z
  .strictObject({
    dryRun: z.literal(true),
    groupId: objectId,
    peerId: objectId,
    noop: z.boolean().describe("The peer already has every desired value"),
    merged: z
      .record(z.string(), z.unknown())
      .describe("The whole body that would be sent: a partial `peering` completed from the peer"),
    diff: z.array(fieldChange),
    changes: z.array(z.string()).describe("The diff in words: `field: current → desired`"),
    warnings: z.array(z.string()),
    verdict: guardVerdict,
    refusal: z.optional(z.string().describe("Why the change must not be sent at all")),
    current: z.nullable(z.record(z.string(), z.unknown())).describe("The peer as Atlas has it"),
  })
  .register(responseSchemas, {
    id: "DryRunAnswer",
    description: "What the change would do; nothing was recorded, locked or sent.",
  });

export const changeList = z
  .strictObject({ items: z.array(changeView), cursor: z.optional(z.string()) })
  .register(responseSchemas, {
    id: "ChangeList",
    description: "Newest first; `cursor` until the last page.",
  });

const auditRecord = z
  .strictObject({
    id: z.string(),
    at: timestamp,
    requestId: z.string(),
    channel: z.enum([...CHANNELS, "unknown"]),
    callerId: z.optional(z.string()),
    outcome: z.enum(AUDIT_OUTCOMES),
    reason: z.optional(z.string()),
    groupId: z.optional(z.string()),
    peerId: z.optional(z.string()),
    changeId: z.optional(z.string()),
    asked: z.optional(z.unknown()),
    before: z.optional(z.unknown()),
    after: z.optional(z.unknown()),
    atlas: z.optional(
      z.strictObject({
        httpStatus: z.optional(z.int()),
        status: z.optional(z.string()),
        error: z.optional(z.string()),
        errorCode: z.optional(z.string()),
      }),
    ),
    state: z.optional(state),
    detail: z.optional(z.string()),
    steps: z.optional(z.array(z.unknown())),
  })
  .register(responseSchemas, { id: "AuditRecord", description: "One entry of the audit trail." });

export const auditPage = z
  .strictObject({ items: z.array(auditRecord), cursor: z.optional(z.string()) })
  .register(responseSchemas, { id: "AuditPage", description: "Newest first; `cursor` until the last page." });

export const atlasBody = z.looseObject({}).register(responseSchemas, {
  id: "AtlasBody",
  description:
    "Atlas's answer, status and body unchanged (a peer, a page of peers, Atlas's own error, or " +
    "`{status, content}` with envelope=true): see Atlas's Admin API for its shape.",
});

export const slackMessage = z
  .strictObject({
    response_type: z.enum(["ephemeral", "in_channel"]),
    text: z.string(),
    blocks: z.array(z.unknown()).describe("Slack Block Kit blocks"),
    replace_original: z.optional(z.boolean()),
  })
  .register(responseSchemas, { id: "SlackMessage", description: "Slack's answer to the slash command." });

export const slashCommand = z
  .looseObject({
    team_id: z.string(),
    user_id: z.string(),
    channel_id: z.string(),
    command: z.string().describe("e.g. /atlas-peering"),
    text: z.optional(
      z.string().describe("help | status <id> | plan|update <groupId> <peerId> field=value …"),
    ),
    response_url: z.url(),
    team_domain: z.optional(z.string()),
    user_name: z.optional(z.string()),
    channel_name: z.optional(z.string()),
    trigger_id: z.optional(z.string()),
  })
  .register(responseSchemas, {
    id: "SlashCommand",
    description: "What Slack POSTs for a slash command (application/x-www-form-urlencoded).",
  });

export const openApiDocumentBody = z.looseObject({ openapi: z.literal("3.1.0") }).register(responseSchemas, {
  id: "OpenApiDocument",
  description: "This document.",
});
