import { parseAtlasErrorBody } from "../atlas/errors.js";
import type { Caller } from "../auth/callers.js";
import { authorizeChange } from "../auth/policy.js";
import { isCallbackAllowed } from "../domain/change/callbackPolicy.js";
import { toView } from "../domain/change/view.js";
import { parseJson } from "../domain/json.js";
import { validateChangeRequest } from "../domain/peering/request.js";
import { providerOf } from "../domain/peering/settings.js";
import { isTerminal } from "../domain/peering/status.js";
import { CallbackNotAllowedError } from "../usecases/errors.js";
import { type SubmitOutcome, submitChange } from "../usecases/submitChange.js";
import { dryRunRoute } from "./dryRunRoute.js";
import type { HttpApiDeps, RouteContext } from "./HttpApi.js";
import { idempotencyKeyOf } from "./idempotencyKey.js";
import { atlasRejectionProblem } from "./problem.js";
import { readJsonBody } from "./request.js";
import { type HttpResult, json } from "./response.js";
import { allValid } from "./validated.js";

/**
 * `POST /v1/peering-changes` with `{groupId, peerId, peering, reason?, callbackUrl?}`: the gateway's own API.
 * Answers `{id, state, atlas, change}` with a `Location`: 202 while the change is being followed (including
 * RETRYING, when Atlas could not take it yet and the gateway will send it again), 200 once settled. Atlas's
 * refusal (REJECTED) is a problem that keeps Atlas's status and error fields.
 */
export async function submitChangeRoute(context: RouteContext, deps: HttpApiDeps): Promise<HttpResult> {
  const body = readJsonBody(context.request, deps.limits.maxBodyBytes);
  const [input] = allValid(validateChangeRequest(body.value));
  const caller = context.auth.caller;
  authorizeChange(caller, input.groupId, input.peerId);
  if (input.callbackUrl !== undefined) checkCallback(caller, input.callbackUrl);
  const idempotencyKey = idempotencyKeyOf(context.request);
  if (input.dryRun === true) return dryRunRoute(input, context, deps);
  // Forward the peering object as the caller wrote it (key order, providerName omitted or not).
  const peering = (body.value as { peering: unknown }).peering;
  const outcome = await submitChange(
    {
      caller,
      channel: "http",
      call: { groupId: input.groupId, peerId: input.peerId, apiVersion: "v2", query: {} },
      provider: providerOf(input.peering),
      body: JSON.stringify(peering),
      requestId: context.request.requestId,
      ...(input.reason === undefined ? {} : { reason: input.reason }),
      ...(input.callbackUrl === undefined ? {} : { callbackUrl: input.callbackUrl }),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    },
    deps,
    context.deadline,
  );
  return respond(outcome, context);
}

/** The callback must go to a host on the caller's allowlist (no SSRF), and the caller needs a secret to sign with. */
function checkCallback(caller: Caller, url: string): void {
  const verdict = isCallbackAllowed(url, caller.callbackHosts ?? []);
  if (!verdict.allowed) throw new CallbackNotAllowedError(`callbackUrl refused: ${verdict.reason}`);
  if (!caller.callbackSecret) {
    throw new CallbackNotAllowedError(`Caller ${caller.id} has no callback secret to sign callbacks with.`);
  }
}

function respond(outcome: SubmitOutcome, context: RouteContext): HttpResult {
  const { change } = outcome;
  const headers = { "x-change-request-id": change.id, location: `/v1/peering-changes/${change.id}` };
  const answer = outcome.kind === "created" ? outcome.answer : undefined;
  if (change.state === "REJECTED" && answer) {
    const problemContext = { requestId: context.request.requestId, instance: context.request.rawPath };
    const extensions = { changeRequestId: change.id };
    const problem = atlasRejectionProblem(
      answer.status,
      parseAtlasErrorBody(answer.body),
      extensions,
      problemContext,
    );
    return { ...problem, headers: { ...problem.headers, ...headers } };
  }
  const status = isTerminal(change.state) ? 200 : 202;
  const atlas = answer ? parseJson(answer.body, answer.body) : null;
  const warnings = outcome.kind === "created" ? outcome.plan.warnings : [];
  return json(
    status,
    { id: change.id, state: change.state, atlas, warnings, change: toView(change) },
    headers,
  );
}
