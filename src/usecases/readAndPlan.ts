import { READ_PEER } from "../domain/change/operations.js";
import { type ChangePlan, planChange } from "../domain/change/plan.js";
import { parseObject } from "../domain/json.js";
import { type Provider, providerModule } from "../domain/peering/providers/index.js";
import type { AtlasAnswer, PeerCall } from "../ports/AtlasPeeringApi.js";
import { callAtlas } from "./atlasCall.js";
import type { ChangeDeps } from "./ChangeDeps.js";

/** The plan of a change, and the peer as Atlas had it (when it could be read). */
export interface PlannedChange {
  plan: ChangePlan;
  current?: Record<string, unknown>;
  /** Atlas's answer to the GET, when it answered 2xx. */
  answer?: AtlasAnswer;
}

/**
 * The one planning use case (the dry run, Slack `plan`, and every change before its PATCH): reads the peer and
 * compares it with what the change asks for: the per-field diff, whether anything would change at all,
 * warnings (an AWS re-initialisation) and refusals (Azure and GCP fields Atlas cannot update in place). When
 * the peer cannot be read the plan says so, and the change goes ahead: Atlas will judge the PATCH. A caller
 * that already read the peer (Slack fills in the fields the user did not type) passes it as `known`.
 */
export async function readAndPlan(
  call: PeerCall,
  provider: Provider,
  desired: Record<string, unknown>,
  deps: ChangeDeps,
  deadline: number,
  known?: Record<string, unknown>,
): Promise<PlannedChange> {
  if (known) return { plan: planChange(provider, known, desired), current: known };
  const read = await callAtlas(deps, { ...call, query: {} }, READ_PEER, deadline);
  const peer = read.answer && read.answer.status < 300 ? unwrap(parseObject(read.answer.body)) : undefined;
  // A peer of another provider than the body names: Atlas answers such a PATCH itself (404), so no plan.
  // An absent providerName is the provider Atlas assumes (AWS).
  const current = peer && providerModule(peer.providerName)?.name === provider ? peer : undefined;
  const plan = planChange(provider, current, desired);
  return {
    plan,
    ...(current ? { current } : {}),
    ...(current && read.answer ? { answer: read.answer } : {}),
  };
}

/** Atlas's `envelope=true` wraps the peer as `{status, content}`. */
function unwrap(body: Record<string, unknown>): Record<string, unknown> {
  const content = body.content;
  return typeof body.status === "number" && content && typeof content === "object"
    ? (content as Record<string, unknown>)
    : body;
}
