/**
 * The operations of the OpenAPI document, one per route the http function serves (routes.ts, the Slack command,
 * this document). test/unit/channels/http/openapi.test.ts checks these paths against `matchRoute` and the
 * `httpApi` events of serverless.yml, both ways.
 */
import * as examples from "./examples.js";
import { content, header, type Json, problems, ref } from "./problems.js";
import { type Parameter, pathParameter, type QueryName, queryParameters } from "./requestSchemas.js";

type Examples = Record<string, { summary: string; value: unknown }>;

/** Atlas's answers come as Atlas sent them: `application/json`, or its versioned type on the v2 paths. */
const atlasAnswer: Json = {
  "application/json": { schema: ref("AtlasBody") },
  "application/vnd.atlas.2023-01-01+json": { schema: ref("AtlasBody") },
};

/** Signed-in callers: a bearer token, or a signed request (all three headers). */
const CALLER_SECURITY = [
  { bearerAuth: [] },
  { gatewayCaller: [], gatewayTimestamp: [], gatewaySignature: [] },
];

const ok = (description: string, body: Json, extraHeaders: Json = {}) => ({
  description,
  headers: { "X-Request-Id": header("XRequestId"), ...extraHeaders },
  content: body,
});

const query = (name: QueryName) => queryParameters(name);
const idempotencyKey = { $ref: "#/components/parameters/IdempotencyKey" };
const COMMON = [401, 429, 500, 503];

function atlasPeerPath(version: "v1.0" | "v2"): [string, Json] {
  const params: Parameter[] = [pathParameter("groupId"), pathParameter("peerId")];
  const changeHeaders = { "X-Change-Request-Id": header("XChangeRequestId"), Location: header("Location") };
  const body =
    version === "v2"
      ? ["PeeringSettings", examples.peeringV2Examples]
      : ["PeeringSettingsPartial", examples.peeringV1Examples];
  return [
    `/api/atlas/${version}/groups/{groupId}/peers/{peerId}`,
    {
      parameters: params,
      get: {
        operationId: `getPeer_${version}`,
        tags: ["Atlas drop-in"],
        summary: "Read a peer as Atlas has it (Atlas's getGroupPeer)",
        parameters: query("atlasFlags"),
        security: CALLER_SECURITY,
        responses: {
          "200": ok("Atlas's answer, unchanged (Atlas's own 4xx too)", atlasAnswer),
          ...problems([400, 403, 404, 405, 502, 504, ...COMMON], true),
        },
      },
      patch: {
        operationId: `patchPeer_${version}`,
        tags: ["Atlas drop-in"],
        summary: "Change a peer through the gateway (Atlas's updateGroupPeer, same body and query)",
        description:
          "Atlas's status and body come back unchanged (Atlas's refusals included), with a change the gateway " +
          "follows until it settles. A replayed Idempotency-Key answers the peer as Atlas has it now.",
        parameters: [...query("atlasFlags"), idempotencyKey],
        security: CALLER_SECURITY,
        requestBody: {
          required: true,
          content: content("application/json", body[0] as string, body[1] as Examples),
        },
        responses: {
          "200": ok("Atlas's answer, unchanged", atlasAnswer, changeHeaders),
          ...problems([400, 403, 405, 409, 413, 415, 422, 502, 504, ...COMMON], true),
        },
      },
    },
  ];
}

function atlasPeersPath(version: "v1.0" | "v2"): [string, Json] {
  return [
    `/api/atlas/${version}/groups/{groupId}/peers`,
    {
      parameters: [pathParameter("groupId")],
      get: {
        operationId: `listPeers_${version}`,
        tags: ["Atlas drop-in"],
        summary: "List a project's peers as Atlas has them (Atlas's listGroupPeers)",
        parameters: query("atlasPeerList"),
        security: CALLER_SECURITY,
        responses: {
          "200": ok("Atlas's page of peers, unchanged", atlasAnswer),
          ...problems([400, 403, 405, 502, 504, ...COMMON], true),
        },
      },
    },
  ];
}

const changeHeaders = { "X-Change-Request-Id": header("XChangeRequestId"), Location: header("Location") };

const changesPath: Json = {
  post: {
    operationId: "submitChange",
    tags: ["Changes"],
    summary: "Ask for a peering change, or with dryRun only plan it",
    parameters: [idempotencyKey],
    security: CALLER_SECURITY,
    requestBody: {
      required: true,
      content: content("application/json", "ChangeRequest", examples.changeRequestExamples),
    },
    responses: {
      "200": ok("Settled already (or a dry run's plan)", {
        "application/json": {
          schema: { oneOf: [ref("SubmitAnswer"), ref("DryRunAnswer")] },
          examples: examples.dryRunExamples,
        },
      }),
      "202": ok(
        "Taken; follow it at Location",
        content("application/json", "SubmitAnswer", examples.submitExamples),
        changeHeaders,
      ),
      ...problems([400, 403, 404, 405, 409, 413, 415, 422, ...COMMON]),
      default: {
        description: "Atlas refused the change (REJECTED): Atlas's status, a problem with Atlas's fields",
        content: content("application/problem+json", "Problem"),
      },
    },
  },
  get: {
    operationId: "listChanges",
    tags: ["Changes"],
    summary: "A project's changes, newest first",
    parameters: query("changeList"),
    security: CALLER_SECURITY,
    responses: {
      "200": ok("A page of changes", content("application/json", "ChangeList", examples.changeListExamples)),
      ...problems([400, 403, ...COMMON]),
    },
  },
};

const changePath: Json = {
  parameters: [pathParameter("id")],
  get: {
    operationId: "getChange",
    tags: ["Changes"],
    summary: "A change: state, Atlas status, history, and what a person must do next",
    security: CALLER_SECURITY,
    responses: {
      "200": ok("The change", content("application/json", "ChangeView")),
      ...problems([400, 404, 405, ...COMMON]),
    },
  },
  delete: {
    operationId: "cancelChange",
    tags: ["Changes"],
    summary: "Stop following a change (CANCELLED); Atlas is not touched",
    security: CALLER_SECURITY,
    responses: {
      "200": ok("The cancelled change", content("application/json", "ChangeView")),
      ...problems([400, 404, 409, ...COMMON]),
    },
  },
};

/** Every path of the document, in the order it lists them. */
export function paths(): Json {
  return Object.fromEntries([
    atlasPeerPath("v1.0"),
    atlasPeerPath("v2"),
    atlasPeersPath("v1.0"),
    atlasPeersPath("v2"),
    ["/v1/peering-changes", changesPath],
    ["/v1/peering-changes/{id}", changePath],
    [
      "/v1/audit",
      {
        get: {
          operationId: "listAudit",
          tags: ["Audit"],
          summary: "A project's audit trail, newest first (since: 30 days ago by default)",
          parameters: query("audit"),
          security: CALLER_SECURITY,
          responses: {
            "200": ok(
              "A page of audit entries",
              content("application/json", "AuditPage", examples.auditExamples),
            ),
            ...problems([400, 403, 405, ...COMMON]),
          },
        },
      },
    ],
    [
      "/v1/peerings",
      {
        get: {
          operationId: "listPeerings",
          tags: ["Inventory"],
          summary: "Every peering of a project (AWS, AZURE, GCP): Atlas status, last change, next action",
          description: "One answer, no pages; a provider whose list cannot be read is named in `errors`.",
          parameters: query("inventory"),
          security: CALLER_SECURITY,
          responses: {
            "200": ok("The project's peerings", content("application/json", "PeeringInventory")),
            ...problems([400, 403, 405, ...COMMON]),
          },
        },
      },
    ],
    [
      "/v1/slack/commands",
      {
        post: {
          operationId: "slackCommand",
          tags: ["Slack"],
          summary: "Slack's slash command /atlas-peering (signed by Slack)",
          security: [{ slackSignature: [], slackTimestamp: [] }],
          requestBody: {
            required: true,
            content: content("application/x-www-form-urlencoded", "SlashCommand", examples.slackExamples),
          },
          responses: {
            "200": ok(
              "An ephemeral message (refusals too); progress follows at response_url",
              content("application/json", "SlackMessage", examples.slackMessageExamples),
            ),
            ...problems([400, 401, 404, 500, 503]),
          },
        },
      },
    ],
    [
      "/v1/openapi.json",
      {
        get: {
          operationId: "openApiDocument",
          tags: ["Meta"],
          summary: "This document (no authentication)",
          security: [],
          responses: {
            "200": ok("The OpenAPI 3.1 document", content("application/json", "OpenApiDocument"), {
              ETag: header("ETag"),
              "Cache-Control": header("CacheControl"),
            }),
            "304": { description: "Not modified (If-None-Match matched the ETag)" },
          },
        },
      },
    ],
  ]);
}
