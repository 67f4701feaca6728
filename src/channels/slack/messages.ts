import type { InventoryItem } from "../../domain/change/inventory.js";
import type { ChangeView } from "../../domain/change/view.js";
import type { InventoryAnswer } from "../common/inventoryAnswer.js";
import { USAGE_TEXT } from "./command.js";

/** A message for a slash command answer or a `response_url` POST (Block Kit, with a plain fallback). */
export interface SlackMessage {
  /** `ephemeral`: only the user who typed the command sees it; `in_channel`: everyone in the channel does. */
  response_type: "ephemeral" | "in_channel";
  /** Shown in notifications and by clients that cannot render blocks. */
  text: string;
  blocks: unknown[];
  /** For `response_url` POSTs: replace the message the command answered with instead of adding one. */
  replace_original?: boolean;
}

/** A plan of an update: what would change, as the domain computed it. */
export interface SlackPlan {
  diff: Array<{ field: string; current: string | null; desired: string }>;
  noop: boolean;
  warnings: string[];
  /** The guardrails' verdict (the project policy, overlapping CIDRs); absent: not judged. */
  verdict?: {
    allowed: boolean;
    policy: "none" | "allowed" | "refused";
    refusal?: { title: string; detail: string };
  };
}

/** Slack refuses a section text longer than this. */
const MAX_SECTION_TEXT = 3000;

/**
 * Escapes the three characters Slack mrkdwn gives meaning to (`<@U…>` mentions, `<!channel>`, links), so text
 * from users or Atlas is shown as written and can never ping a channel.
 *
 * @example escapeMrkdwn("a <b> & c") // "a &lt;b&gt; &amp; c"
 */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** A mrkdwn section; the text must already be escaped. Cut (never mid-entity) to Slack's limit. */
function section(mrkdwn: string): object {
  return { type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(mrkdwn, MAX_SECTION_TEXT) } };
}

function context(mrkdwn: string): object {
  return { type: "context", elements: [{ type: "mrkdwn", text: truncateMrkdwn(mrkdwn, MAX_SECTION_TEXT) }] };
}

function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/&[a-z]*$/, "")}…`;
}

/**
 * The help, after a one-line problem when the text could not be understood. Only the user sees it.
 *
 * @example usageMessage('unknown field "vpcid" (did you mean vpcId?)')
 */
export function usageMessage(problem?: string): SlackMessage {
  const blocks = problem === undefined ? [] : [section(`:warning: ${escapeMrkdwn(problem)}`)];
  blocks.push(section(USAGE_TEXT));
  const text = problem === undefined ? "Usage: /atlas-peering help" : `${problem}. See /atlas-peering help`;
  return { response_type: "ephemeral", text: escapeMrkdwn(text), blocks };
}

/**
 * A polite "no" (not mapped to a caller, not allowed on that project, …). Only the user sees it. `text` is
 * shown as written (escaped), so callers phrase it themselves; the context line says where to turn.
 *
 * @example refusalMessage("Sorry, you may not change peer 6a0b… in project 5f1e….")
 */
export function refusalMessage(text: string): SlackMessage {
  const escaped = escapeMrkdwn(text);
  return {
    response_type: "ephemeral",
    text: escaped,
    blocks: [
      section(`:no_entry: ${escaped}`),
      context("If this looks wrong, please ask the team that runs the Atlas peering gateway."),
    ],
  };
}

/**
 * A change as the channel sees it: headline, state, Atlas's status, ids, what a person must do (with the
 * commands), what to do about a failure, and who asked.
 * Posted `in_channel` so a change to shared infrastructure is visible to the team.
 *
 * @example changeMessage(view, "Peering update accepted")
 */
export function changeMessage(view: ChangeView, headline: string): SlackMessage {
  const atlas = atlasStatus(view);
  const blocks: object[] = [
    section(`*${escapeMrkdwn(headline)}*`),
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*State*\n${escapeMrkdwn(view.state)}` },
        { type: "mrkdwn", text: `*Atlas status*\n${escapeMrkdwn(atlas)}` },
        { type: "mrkdwn", text: `*Change id*\n\`${escapeMrkdwn(view.id)}\`` },
        {
          type: "mrkdwn",
          text: `*Peer*\n${escapeMrkdwn(`${view.provider} ${view.peerId} in ${view.groupId}`)}`,
        },
      ],
    },
  ];
  if (view.atlas.errorCode !== undefined || view.atlas.detail !== undefined) {
    const said = [view.atlas.errorCode, view.atlas.detail].filter((part) => part !== undefined).join(": ");
    blocks.push(section(`:warning: Atlas said: ${escapeMrkdwn(said)}`));
  }
  if (view.nextAction !== undefined) blocks.push(section(`*Next step:* ${escapeMrkdwn(view.nextAction)}`));
  if (view.acceptBy !== undefined) {
    const estimate =
      view.acceptByFrom === "estimate" ? " (7 days after the gateway first saw the request)" : "";
    blocks.push(context(escapeMrkdwn(`⏳ AWS expires the request at ${view.acceptBy}${estimate}`)));
  }
  // One block to copy from; escaped like any text (`<your route table>` shows as typed, pings nobody).
  const commands = view.nextActionCommands ?? [];
  if (commands.length > 0) blocks.push(section(`\`\`\`${escapeMrkdwn(commands.join("\n"))}\`\`\``));
  if (view.remediation !== undefined) blocks.push(section(`*What to do:* ${escapeMrkdwn(view.remediation)}`));
  blocks.push(context(escapeMrkdwn(requestedBy(view))));
  const text = `${headline}: change ${view.id} is ${view.state} (Atlas: ${atlas})`;
  return { response_type: "in_channel", text: escapeMrkdwn(text), blocks };
}

/** Atlas's status, with its error field when it set one (`FAILED (REJECTED)`). */
function atlasStatus(view: ChangeView): string {
  const status = view.atlas.status ?? "not known yet";
  return view.atlas.error === undefined ? status : `${status} (${view.atlas.error})`;
}

function requestedBy(view: ChangeView): string {
  const reason = view.reason === undefined ? "" : `, reason: ${view.reason}`;
  return `Requested by ${view.callerId} via ${view.channel}${reason}`;
}

/**
 * What an update would change, field by field, without changing it. Only the user sees it.
 *
 * @example planMessage({ diff: [{ field: "vpcId", current: "vpc-1…", desired: "vpc-2…" }], noop: false, warnings: [] },
 *   { groupId: "5f1e…", peerId: "6a0b…" })
 */
export function planMessage(plan: SlackPlan, target: { groupId: string; peerId: string }): SlackMessage {
  const where = escapeMrkdwn(`peer ${target.peerId} in project ${target.groupId}`);
  const lines = plan.noop
    ? ["No change: the peer already has these settings."]
    : plan.diff.map(
        (d) =>
          `• *${escapeMrkdwn(d.field)}*: ${escapeMrkdwn(d.current ?? "(not set)")} → ${escapeMrkdwn(d.desired)}`,
      );
  const blocks = [section(`*Plan for ${where}*`), section(lines.join("\n"))];
  if (plan.warnings.length > 0) {
    blocks.push(section(plan.warnings.map((w) => `⚠️ ${escapeMrkdwn(w)}`).join("\n")));
  }
  const refusal = plan.verdict?.refusal;
  if (refusal)
    blocks.push(section(`⛔ *Would be refused*: ${escapeMrkdwn(`${refusal.title}: ${refusal.detail}`)}`));
  else if (plan.verdict?.policy === "allowed") blocks.push(section("✅ Within the project policy."));
  blocks.push(
    context(
      refusal
        ? "Nothing was sent to Atlas; `update` with these arguments would be refused."
        : "Nothing was sent to Atlas. Run `update` with the same arguments to apply it.",
    ),
  );
  const summary = plan.noop ? "no change" : `${plan.diff.length} field(s) would change`;
  return { response_type: "ephemeral", text: `Plan for ${where}: ${summary}`, blocks };
}

/** Peerings a Slack answer shows, one section each: Slack allows 50 blocks, and a channel wants it short. */
const MAX_LISTED_PEERINGS = 15;

/**
 * A project's peerings, compact: one section per peering (provider, id, Atlas's status, its network, the
 * last change, the next step, the Terraform import id), the providers that could not be read, and where the
 * whole list is when it is longer. Only the user sees it.
 *
 * @example peeringsMessage(inventoryAnswer(inventory), undefined)
 */
export function peeringsMessage(answer: InventoryAnswer, q: string | undefined): SlackMessage {
  const where = `project ${answer.groupId}${q === undefined ? "" : ` matching "${q}"`}`;
  const count = `${answer.items.length} peering(s)`;
  const blocks: object[] = [section(`*Peerings of ${escapeMrkdwn(where)}*: ${count}`)];
  for (const item of answer.items.slice(0, MAX_LISTED_PEERINGS)) blocks.push(section(peeringLines(item)));
  for (const error of answer.errors ?? []) {
    const code = error.code === undefined ? "" : ` ${error.code}`;
    const said = `${error.provider} peerings could not be read (${error.status}${code}): ${error.detail}`;
    blocks.push(section(`:warning: ${escapeMrkdwn(said)}`));
  }
  const more = answer.items.length > MAX_LISTED_PEERINGS || answer.truncated === true;
  if (more) {
    const shown = Math.min(answer.items.length, MAX_LISTED_PEERINGS);
    const all = `peering-gateway peers list --group ${answer.groupId}`;
    blocks.push(
      context(
        escapeMrkdwn(
          `Showing ${shown} of ${answer.items.length}${answer.truncated ? "+" : ""}; the whole list: ${all}`,
        ),
      ),
    );
  }
  if (answer.items.length === 0 && (answer.errors ?? []).length === 0) {
    blocks.push(
      section(
        q === undefined ? "Atlas lists no peering in this project." : "No peering has an id containing that.",
      ),
    );
  }
  return { response_type: "ephemeral", text: escapeMrkdwn(`Peerings of ${where}: ${count}`), blocks };
}

/** One peering in a few lines; every value escaped, ids in code spans. */
function peeringLines(item: InventoryItem): string {
  const network = ["vpcId", "vnetName", "networkName", "routeTableCidrBlock"]
    .map((field) => item.settings[field])
    .filter((value): value is string => typeof value === "string");
  const ids = [...network, ...(item.atlas.connectionId ? [item.atlas.connectionId] : [])];
  const status = `${item.atlas.status ?? "status unknown"}${item.atlas.error ? ` (${item.atlas.error})` : ""}`;
  const lines = [
    `• *${item.provider}* \`${escapeMrkdwn(item.peerId)}\` *${escapeMrkdwn(status)}*` +
      (ids.length === 0 ? "" : ` · ${escapeMrkdwn(ids.join(" · "))}`),
  ];
  const last = item.lastChange;
  if (last !== undefined) {
    lines.push(
      `Last change \`${escapeMrkdwn(last.id)}\` ${escapeMrkdwn(`${last.state} by ${last.callerId}, ${last.updatedAt}`)}`,
    );
  }
  if (item.nextAction !== undefined) lines.push(`*Next:* ${escapeMrkdwn(shortened(item.nextAction, 400))}`);
  lines.push(`Terraform import id: \`${escapeMrkdwn(item.importId)}\``);
  return lines.join("\n");
}

function shortened(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
