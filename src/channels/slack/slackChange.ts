import type { Caller } from "../../access/callers.js";
import { mayChange, mayRead } from "../../access/policy.js";
import { toView } from "../../domain/change/view.js";
import { validatePeerPath } from "../../domain/peering/request.js";
import type { Provider } from "../../domain/peering/settings.js";
import { RequestValidationError } from "../../domain/validation.js";
import { admitChange } from "../../usecases/admitChange.js";
import { audit } from "../../usecases/audit.js";
import { completePeering, PeerUnreadableError } from "../../usecases/completePeering.js";
import { judgeChange } from "../../usecases/guardrails.js";
import { readAndPlan } from "../../usecases/readAndPlan.js";
import { slackRefusalText } from "./answers.js";
import type { SlashCommand } from "./command.js";
import type { SlackDeps } from "./deps.js";
import { changeMessage, planMessage, refusalMessage, type SlackMessage, usageMessage } from "./messages.js";

type ChangeAction = {
  kind: "update" | "plan";
  groupId: string;
  peerId: string;
  fields: Record<string, string>;
};

/**
 * `update` / `plan`: reads the peer, fills in every field the user did not type, validates the whole body
 * with Atlas's rules (`completePeering`, the rule partial HTTP bodies follow too), and either shows the plan
 * or submits the change (channel `slack`), whose progress and outcome go to the command's `response_url`.
 */
export async function slackChange(
  action: ChangeAction,
  command: SlashCommand,
  caller: Caller,
  requestId: string,
  deps: SlackDeps,
  deadline: number,
): Promise<SlackMessage> {
  const ids = validatePeerPath(action);
  if (!ids.ok)
    return usageMessage(ids.errors.map((e) => `${e.path.replace("path.", "")} ${e.message}`).join("; "));
  const refused = (reason: string, detail: string) =>
    audit(deps, {
      requestId,
      channel: "slack",
      callerId: caller.id,
      outcome: "refused",
      reason,
      detail,
      groupId: action.groupId,
      peerId: action.peerId,
      asked: action.fields,
    });
  // Checked before the peer is read (for `plan` too): a caller outside its grants learns nothing about the peer.
  // `admitChange` makes the same check again, as it does for every channel.
  const forbidden = grantRefusal(caller, action);
  if (forbidden) {
    await refused("forbidden", forbidden.detail);
    return refusalMessage(forbidden.text);
  }
  const call = { groupId: action.groupId, peerId: action.peerId, apiVersion: "v2" as const, query: {} };
  // The one rule the HTTP API's partial bodies follow too: read the peer, fill in, validate the whole.
  const completion = await completePeering(
    { callerId: caller.id, channel: "slack", requestId, call, asked: action.fields },
    deps,
    deadline,
  );
  if (!completion.ok) {
    const { refusal } = completion;
    if (!(refusal instanceof RequestValidationError)) {
      const why =
        refusal instanceof PeerUnreadableError ? refusal.why : "Atlas has no such peer in that project";
      return refusalMessage(`Could not read peer ${action.peerId}: ${why}. Nothing was changed.`);
    }
    await refused("validation", refusal.errors.map((e) => e.path).join(", "));
    return refusalMessage(
      `That change is not valid: ${refusal.errors.map((e) => `${e.path} ${e.message}`).join("; ")}. Nothing was changed.`,
    );
  }
  const { merged, current, provider } = completion;
  if (action.kind === "plan") {
    const { plan } = await readAndPlan(call, provider, merged, deps, deadline, current);
    const judged = { groupId: action.groupId, peerId: action.peerId, provider, desired: merged };
    const verdict = await judgeChange(judged, plan, deps, deadline);
    const warnings = [...plan.warnings, ...verdict.warnings];
    return planMessage({ ...plan, warnings, verdict }, action);
  }
  return submit({ call, provider, merged, current, command, caller, requestId }, deps, deadline);
}

/**
 * Why the caller may not change the peer (the audit detail and the sentence Slack shows), or undefined when it
 * may. A read-only grant is told which rule refused it: the fix is a grant with access "change".
 */
function grantRefusal(caller: Caller, action: ChangeAction): { detail: string; text: string } | undefined {
  const { groupId, peerId } = action;
  if (mayChange(caller, groupId, peerId)) return undefined;
  if (mayRead(caller, groupId, peerId)) {
    const text = `Sorry, your access to project ${groupId} is read-only (access: "read"): you may not change peer ${peerId}.`;
    return { detail: 'read-only grant (access: "read")', text };
  }
  return {
    detail: "caller outside its projects",
    text: `Sorry, you may not change peer ${peerId} in project ${groupId}.`,
  };
}

async function submit(
  input: {
    call: { groupId: string; peerId: string; apiVersion: "v2"; query: Record<string, never> };
    provider: Provider;
    merged: Record<string, unknown>;
    current: Record<string, unknown>;
    command: SlashCommand;
    caller: Caller;
    requestId: string;
  },
  deps: SlackDeps,
  deadline: number,
): Promise<SlackMessage> {
  try {
    const outcome = await admitChange(
      {
        caller: input.caller,
        channel: "slack",
        ...input.call,
        provider: input.provider,
        body: JSON.stringify(input.merged),
        requestId: input.requestId,
        reason: `Slack ${input.command.command} by ${input.command.userName ?? input.command.userId}`,
        replyTo: { channel: "slack", url: input.command.responseUrl },
        knownPeer: input.current,
      },
      deps,
      deadline,
    );
    return changeMessage(
      toView(outcome.change),
      `Change ${outcome.change.id} accepted: ${outcome.change.state}`,
    );
  } catch (error) {
    const text = slackRefusalText(error);
    if (text === undefined) throw error;
    return refusalMessage(text);
  }
}
