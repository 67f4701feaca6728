import { GatewayError } from "../../domain/errors.js";
import { parseJson } from "../../domain/json.js";
import { GuardrailRefusal } from "../../domain/policy/errors.js";
import type { AuditLog } from "../../ports/AuditLog.js";
import { ChangeRefusedError } from "../../usecases/errors.js";
import { checkJsonShape } from "./jsonLimits.js";
import type { GatewayRequest } from "./request.js";

const HEX24 = /^[a-f0-9]{24}$/;
const ATLAS_PEER = /^\/api\/atlas\/(?:v1\.0|v2)\/groups\/([^/]+)\/peers\/([^/]+)\/?$/;
/**
 * Refusals worth an audit record: a change attempt that was turned away. 404/405 on reads are not, and 401
 * never is: without credentials anyone could fill any project's trail (and the table) at no cost; those are
 * logged and counted instead (`answered.ts`).
 */
const AUDITED = new Set([400, 403, 409, 413, 415, 422]);

/**
 * Records a refused HTTP request in the audit trail: who (when known), what was asked, and why (the problem's
 * type). The project and peer come from the path or the body when they are well-formed; what was asked is kept
 * only for authenticated callers, and the headers never are.
 */
export async function auditRefusal(
  audit: AuditLog,
  request: GatewayRequest,
  refusal: {
    error: unknown;
    status: number;
    reason: string;
    detail: string;
    channel: "http" | "slack";
    callerId?: string;
  },
  ids: { newId: () => string; now: () => number },
): Promise<void> {
  // The use case already audited this one, with the peer it read.
  if (!isAudited(refusal.status, refusal.error)) return;
  const target = targetOf(request);
  await audit.record({
    id: ids.newId(),
    at: ids.now(),
    requestId: request.requestId,
    channel: refusal.channel,
    outcome: "refused",
    reason: refusal.reason,
    detail: refusal.detail,
    ...(refusal.callerId ? { callerId: refusal.callerId } : {}),
    ...(refusal.callerId ? target : withoutAsked(target)),
  });
}

/** Whether a refusal gets an audit record here (not when unauthenticated, nor when the use case wrote one). */
function isAudited(status: number, error: unknown): boolean {
  const auditedByUseCase = error instanceof ChangeRefusedError || error instanceof GuardrailRefusal;
  return AUDITED.has(status) && !auditedByUseCase && !isUnauthenticated(error);
}

/** No or bad credentials, whatever status a channel gives it. */
export function isUnauthenticated(error: unknown): boolean {
  return error instanceof GatewayError && error.kind === "unauthenticated";
}

function targetOf(request: GatewayRequest): { groupId?: string; peerId?: string; asked?: unknown } {
  const path = ATLAS_PEER.exec(request.rawPath);
  const body = parse(request.rawBody);
  const groupId = path?.[1] ?? stringField(body, "groupId");
  const peerId = path?.[2] ?? stringField(body, "peerId");
  const asked = path ? body : (body as { peering?: unknown } | undefined)?.peering;
  return {
    ...(groupId && HEX24.test(groupId) ? { groupId } : {}),
    ...(peerId && HEX24.test(peerId) ? { peerId } : {}),
    ...(asked !== undefined ? { asked } : {}),
  };
}

function parse(raw: Buffer): unknown {
  // Refusals include oversized bodies (413): never parse more than a valid request could hold, and never keep
  // a body nested deeper than any request could be (the audit record and its log line walk it).
  if (raw.length === 0 || raw.length > 16_384) return undefined;
  const text = raw.toString("utf8");
  const value = parseJson(text, undefined);
  return value !== undefined && checkJsonShape(text).some((v) => v.path === "body") ? undefined : value;
}

function stringField(value: unknown, key: string): string | undefined {
  const field = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return typeof field === "string" ? field : undefined;
}

/**
 * A refusal before the caller is known (unauthenticated ones are not audited at all) names the project, so
 * its owners see the attempt, but its body is not kept: nobody unidentified writes content into a trail.
 */
function withoutAsked(target: ReturnType<typeof targetOf>): { groupId?: string; peerId?: string } {
  const { asked: _dropped, ...rest } = target;
  return rest;
}
