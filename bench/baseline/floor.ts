import { createHash, randomUUID } from "node:crypto";
import { type AttributeValue, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { DigestSession } from "./digest.js";

/**
 * The floor of the cold change request: the least a Lambda handler can run to do the I/O the gateway's
 * drop-in `PATCH /api/atlas/{v1.0|v2}/groups/{g}/peers/{p}` does, with only the SDK clients that I/O needs and
 * `fetch`. No validation library, no logger, no metrics, no lazy loading: the three clients are built at import.
 *
 * Per request, as the gateway's path does it (bench/README.md §2 lists the gateway's calls this mirrors; the
 * bench checks after one request of each that the kinds and counts match, and reports it):
 * 1. the callers registry from Secrets Manager (cached for SECRETS_MAX_AGE_SECONDS), the bearer token's SHA-256
 *    looked up in it, the project checked;
 * 2. DynamoDB: the peering lock (`PutItem`, attribute_not_exists), the change record (`PutItem`,
 *    attribute_not_exists);
 * 3. the Atlas keys from Secrets Manager (cached the same way), then the PATCH to Atlas with digest auth, while
 *    the audit record is written (`PutItem`, attribute_not_exists) — the gateway runs those two concurrently too;
 * 4. the change record again with Atlas's answer (`PutItem`, `#version = :expected`);
 * 5. the re-check schedule (`CreateSchedule`), then Atlas's answer back to the caller.
 *
 * Its keys are unique per request (the lock key carries the change id), so every conditional write succeeds,
 * as the gateway's do on a free peering. Bundled by bench/artefact.ts with serverless.yml's esbuild options.
 */
const env = process.env;
const secrets = new SecretsManagerClient({});
const dynamo = new DynamoDBClient({});
const scheduler = new SchedulerClient({});

const TABLE = env.CHANGES_TABLE ?? "changes";
const MAX_AGE_MS = Number(env.SECRETS_MAX_AGE_SECONDS ?? "300") * 1000;
const RECHECK_DELAY_MS = Number(env.RECHECK_DELAY_SECONDS ?? "60") * 1000;
const PEER_PATH = /^\/api\/atlas\/(v1\.0|v2)\/groups\/([0-9a-f]{24})\/peers\/([0-9a-f]{24})$/;

const cache = new Map<string, { value: Promise<unknown>; until: number }>();

/** A JSON secret, cached for SECRETS_MAX_AGE_SECONDS (the gateway caches its secrets the same way). */
function secret<T>(id: string): Promise<T> {
  const hit = cache.get(id);
  if (hit && hit.until > Date.now()) return hit.value as Promise<T>;
  const value = secrets
    .send(new GetSecretValueCommand({ SecretId: id }))
    .then((answer) => JSON.parse(answer.SecretString ?? "{}") as T);
  cache.set(id, { value, until: Date.now() + MAX_AGE_MS });
  value.catch(() => cache.delete(id));
  return value;
}

interface Callers {
  callers: { id: string; tokenSha256: string[]; projects: { groupId: string }[] }[];
}

let atlas: DigestSession | undefined;
let atlasKeys = "";

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });
const put = (Item: Record<string, AttributeValue>, condition?: { expected: number }) =>
  dynamo.send(
    new PutItemCommand(
      condition
        ? {
            TableName: TABLE,
            Item,
            ConditionExpression: "#version = :expected",
            ExpressionAttributeNames: { "#version": "version" },
            ExpressionAttributeValues: { ":expected": n(condition.expected) },
          }
        : {
            TableName: TABLE,
            Item,
            ConditionExpression: "attribute_not_exists(#pk)",
            ExpressionAttributeNames: { "#pk": "pk" },
          },
    ),
  );

const problem = (statusCode: number, detail: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { "content-type": "application/problem+json" },
  body: JSON.stringify({ status: statusCode, detail }),
});

interface Asked {
  callerId: string;
  apiVersion: string;
  groupId: string;
  peerId: string;
}

/** Who asks for which peer: the caller the bearer token names, allowed on the project; else the refusal. */
async function authorise(
  event: APIGatewayProxyEventV2,
): Promise<Asked | { refused: APIGatewayProxyStructuredResultV2 }> {
  const token = /^Bearer (.+)$/.exec(event.headers.authorization ?? "")?.[1];
  const registry = await secret<Callers>(env.CALLERS_SECRET_ID ?? "callers");
  const hash = createHash("sha256")
    .update(token ?? "")
    .digest("hex");
  const caller = token ? registry.callers.find((c) => c.tokenSha256.includes(hash)) : undefined;
  if (!caller) return { refused: problem(401, "unknown token") };
  const [, apiVersion = "v2", groupId = "", peerId = ""] = PEER_PATH.exec(event.rawPath) ?? [];
  if (!groupId) return { refused: problem(404, "no such route") };
  if (!caller.projects.some((p) => p.groupId === "*" || p.groupId === groupId))
    return { refused: problem(403, "project") };
  return { callerId: caller.id, apiVersion, groupId, peerId };
}

/** The change record's attributes, with the gateway's key and index attributes (so dynalite keeps the same indexes). */
function changeItem(event: APIGatewayProxyEventV2, asked: Asked, id: string, now: number, dueAt: number) {
  const body = event.body ?? "";
  const desired = JSON.parse(body) as Record<string, unknown>;
  const { callerId, apiVersion, groupId, peerId } = asked;
  return {
    pk: s(`CHANGE#${id}`),
    sk: s("CHANGE"),
    id: s(id),
    callerId: s(callerId),
    channel: s("http"),
    groupId: s(groupId),
    peerId: s(peerId),
    provider: s(String(desired.providerName ?? "AWS")),
    apiVersion: s(apiVersion),
    desired: s(body),
    requestId: s(event.requestContext.requestId),
    createdAt: n(now),
    gsi1pk: s(`PROJECT#${groupId}`),
    gsi1sk: s(`${String(now).padStart(15, "0")}#${id}`),
    duePk: s("DUE"),
    dueAt: n(dueAt),
  };
}

/** The PATCH to Atlas with digest auth (the session, and so its nonce, kept while the keys stay the same). */
async function patchAtlas(event: APIGatewayProxyEventV2, apiVersion: string) {
  const keys = await secret<{ publicKey: string; privateKey: string }>(env.ATLAS_SECRET_ID ?? "atlas");
  if (!atlas || atlasKeys !== `${keys.publicKey}:${keys.privateKey}`) {
    atlas = new DigestSession(keys.publicKey, keys.privateKey);
    atlasKeys = `${keys.publicKey}:${keys.privateKey}`;
  }
  const type = apiVersion === "v2" ? "application/vnd.atlas.2023-01-01+json" : "application/json";
  const query = event.rawQueryString ? `?${event.rawQueryString}` : "";
  const answer = await atlas.fetch(`${env.ATLAS_BASE_URL}${event.rawPath}${query}`, {
    method: "PATCH",
    headers: { "content-type": type, accept: type },
    body: event.body ?? "",
  });
  return {
    status: answer.status,
    type: answer.headers.get("content-type") ?? type,
    text: await answer.text(),
  };
}

function auditItem(event: APIGatewayProxyEventV2, asked: Asked, id: string, now: number) {
  return {
    pk: s(`AUDIT#${asked.groupId}`),
    sk: s(`${String(now).padStart(15, "0")}#${randomUUID()}`),
    requestId: s(event.requestContext.requestId),
    channel: s("http"),
    callerId: s(asked.callerId),
    outcome: s("accepted"),
    groupId: s(asked.groupId),
    peerId: s(asked.peerId),
    changeId: s(id),
    asked: s(event.body ?? ""),
    at: n(now),
  };
}

/** The change's first re-check, shaped as the gateway's: at() in UTC, target, role, DLQ, retries, client token. */
function scheduleRecheck(id: string, dueAt: number) {
  const at = new Date(dueAt).toISOString().slice(0, 19);
  return scheduler.send(
    new CreateScheduleCommand({
      Name: `recheck-${id}-1`,
      GroupName: env.SCHEDULE_GROUP,
      ScheduleExpression: `at(${at})`,
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      ClientToken: createHash("sha256").update(`${id}:1`).digest("hex"),
      Target: {
        Arn: env.RECHECK_FUNCTION_ARN,
        RoleArn: env.SCHEDULER_ROLE_ARN,
        DeadLetterConfig: { Arn: env.RECHECK_DLQ_ARN },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
        Input: JSON.stringify({ changeId: id, attempt: 1 }),
      },
    }),
  );
}

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const asked = await authorise(event);
  if ("refused" in asked) return asked.refused;
  const { groupId, peerId } = asked;
  const id = randomUUID();
  const now = Date.now();
  const dueAt = now + RECHECK_DELAY_MS;
  const change = changeItem(event, asked, id, now, dueAt);
  const lock = {
    pk: s(`LOCK#${groupId}#${peerId}#${id}`),
    sk: s("LOCK"),
    groupId: s(groupId),
    peerId: s(peerId),
  };
  await put({ ...lock, changeId: s(id), since: n(now) });
  await put({ ...change, version: n(1), state: s("RETRYING") });
  const [answer] = await Promise.all([
    patchAtlas(event, asked.apiVersion),
    put(auditItem(event, asked, id, now)),
  ]);
  const status = /"(?:statusName|status)":"([A-Z_]+)"/.exec(answer.text)?.[1] ?? "";
  const done = { state: s("IN_PROGRESS"), atlasStatus: s(status), httpStatus: n(answer.status) };
  await put({ ...change, version: n(2), ...done }, { expected: 1 });
  await scheduleRecheck(id, dueAt);
  return {
    statusCode: answer.status,
    headers: {
      "content-type": answer.type,
      "x-change-request-id": id,
      location: `/v1/peering-changes/${id}`,
    },
    body: answer.text,
  };
};
