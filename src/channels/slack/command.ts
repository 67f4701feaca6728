import { type Caller, identitiesOf, type SlackIdentity } from "../../access/callers.js";
import { WRITABLE_FIELDS } from "../../domain/peering/settings.js";

/** A Slack slash command invocation, as Slack POSTs it (`application/x-www-form-urlencoded`). */
export interface SlashCommand {
  teamId: string;
  teamDomain?: string;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  /** The command as the user typed it, e.g. `/atlas-peering`. */
  command: string;
  /** Everything after the command; empty when the user typed only the command. */
  text: string;
  /** Where to send the answer later (valid 30 minutes, a few uses). A capability: never log it. */
  responseUrl: string;
  triggerId?: string;
}

/** What a user asked for with `/atlas-peering …`, or why their text could not be understood. */
export type SlackAction =
  | { kind: "help" }
  | { kind: "status"; changeId: string }
  | { kind: "peers"; groupId: string; q?: string }
  | { kind: "update" | "plan"; groupId: string; peerId: string; fields: Record<string, string> }
  | { kind: "usage"; problem: string };

/** `providerName` and the writable Atlas peering fields of every provider; values are checked later. */
export const ACTION_FIELDS: readonly string[] = [
  "providerName",
  ...new Set(Object.values(WRITABLE_FIELDS).flat()),
];

/** The help text of the slash command, in Slack mrkdwn. */
export const USAGE_TEXT = [
  "*Usage:* `/atlas-peering <command>`",
  "• `/atlas-peering help`: show this help",
  "• `/atlas-peering status <changeId>`: show a change and what it is waiting for",
  "• `/atlas-peering peers <groupId> [id]`: list the project's peerings (AWS, Azure, GCP), or find one by an id you hold (`pcx-…`, `vpc-…`, a VNet or network name)",
  "• `/atlas-peering plan <groupId> <peerId> field=value …`: show what an update would change, without changing it",
  "• `/atlas-peering update <groupId> <peerId> field=value …`: change the peering",
  `Fields: ${ACTION_FIELDS.map((f) => `\`${f}\``).join(", ")}.`,
  'Quote a value that contains spaces: `resourceGroupName="my group"`.',
].join("\n");

/**
 * Reads a slash command from its form body; `undefined` when Slack's required fields are missing. A missing
 * `text` reads as empty: it is what Slack sends when the user typed only the command.
 *
 * @example parseSlashCommand(Buffer.from("team_id=T1&user_id=U1&channel_id=C1&command=%2Fatlas-peering&text=help&response_url=…"))
 */
export function parseSlashCommand(rawBody: Buffer): SlashCommand | undefined {
  const form = new URLSearchParams(rawBody.toString("utf8"));
  const value = (name: string) => form.get(name) || undefined;
  const [teamId, userId, channelId, command, responseUrl] = [
    "team_id",
    "user_id",
    "channel_id",
    "command",
    "response_url",
  ].map(value);
  if (!teamId || !userId || !channelId || !command || !responseUrl) return undefined;
  const optional = { teamDomain: "team_domain", userName: "user_name", channelName: "channel_name" };
  const extras: Partial<Record<keyof typeof optional | "triggerId", string>> = {};
  for (const [key, name] of Object.entries(optional)) {
    const found = value(name);
    if (found !== undefined) extras[key as keyof typeof optional] = found;
  }
  const triggerId = value("trigger_id");
  if (triggerId !== undefined) extras.triggerId = triggerId;
  return { teamId, userId, channelId, command, text: form.get("text") ?? "", responseUrl, ...extras };
}

/**
 * Understands the text after `/atlas-peering`. Value formats are not checked here: the domain validator
 * does that and names every bad field at once.
 *
 * @example parseAction('update 5f1e… 6a0b… routeTableCidrBlock=10.15.0.0/24') // { kind: "update", … }
 */
export function parseAction(text: string): SlackAction {
  const words = tokenize(text);
  if (typeof words === "string") return usage(words);
  const [verb, ...args] = words;
  const keyword = verb?.toLowerCase();
  if (keyword === undefined || keyword === "help") {
    return args.length === 0 ? { kind: "help" } : usage("help takes no arguments");
  }
  if (keyword === "status") {
    const [changeId, ...rest] = args;
    if (changeId === undefined || rest.length > 0) return usage("status takes exactly one change id");
    return { kind: "status", changeId };
  }
  if (keyword === "peers") {
    const [groupId, q, ...rest] = args;
    if (groupId === undefined || rest.length > 0)
      return usage("peers takes a groupId and at most one id to find");
    return q === undefined ? { kind: "peers", groupId } : { kind: "peers", groupId, q };
  }
  if (keyword === "update" || keyword === "plan") return parseChange(keyword, args);
  return usage(`unknown command ${quoteWord(verb ?? "")}; try help`);
}

function usage(problem: string): SlackAction {
  return { kind: "usage", problem };
}

/** `update`/`plan`: two ids, then at least one `field=value`, each field once. */
function parseChange(kind: "update" | "plan", args: string[]): SlackAction {
  const [groupId, peerId, ...pairs] = args;
  if (groupId === undefined || peerId === undefined || groupId.includes("=") || peerId.includes("=")) {
    return usage(`${kind} needs a groupId and a peerId before the fields`);
  }
  if (pairs.length === 0) return usage(`${kind} needs at least one field=value`);
  const fields: Record<string, string> = {};
  for (const pair of pairs) {
    const problem = addField(fields, pair);
    if (problem) return usage(problem);
  }
  return { kind, groupId, peerId, fields };
}

/** Adds one `field=value` to `fields`, or says what is wrong with it. */
function addField(fields: Record<string, string>, pair: string): string | undefined {
  const at = pair.indexOf("=");
  if (at < 0) return `expected field=value, got ${quoteWord(pair)}`;
  const name = pair.slice(0, at);
  const value = pair.slice(at + 1);
  if (!ACTION_FIELDS.includes(name)) {
    const near = ACTION_FIELDS.find((f) => f.toLowerCase() === name.toLowerCase());
    return `unknown field ${quoteWord(name)}${near ? ` (did you mean ${near}?)` : ""}`;
  }
  if (Object.hasOwn(fields, name)) return `${name} is given more than once`;
  if (value === "") return `${name} has no value`;
  fields[name] = value;
  return undefined;
}

/** Straight quotes and the curly ones Slack's clients substitute for them as the user types. */
const QUOTES = new Set(['"', "\u201C", "\u201D"]);

/**
 * Splits on whitespace; a quoted run keeps its spaces and loses its quotes. Any quote character closes any
 * other, since Slack's substitution does not always pair “ with ”. Returns a problem for an unclosed quote.
 */
function tokenize(text: string): string[] | string {
  const words: string[] = [];
  let current: string | undefined;
  let quoted = false;
  for (const char of text) {
    if (QUOTES.has(char)) {
      quoted = !quoted;
      current ??= "";
    } else if (!quoted && /\s/.test(char)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else {
      current = (current ?? "") + char;
    }
  }
  if (quoted) return "a quote is not closed";
  if (current !== undefined) words.push(current);
  return words;
}

/** A user's word for a one-line problem message: short, so a pasted essay does not become the message. */
function quoteWord(word: string): string {
  return `"${word.length > 40 ? `${word.slice(0, 40)}…` : word}"`;
}

/**
 * The caller a Slack user acts as, by the callers' `identities.slack`. An identity matches on its `teamId`
 * and on the user (`userIds`) or the channel (`channelIds`); one with neither list admits the whole
 * workspace, while an empty list admits no one. The most specific match wins (user, then channel, then
 * workspace), then registry order.
 *
 * @example callerForSlack(registry.callers, { teamId: "T1", userId: "U1", channelId: "C1" })
 */
export function callerForSlack(
  callers: readonly Caller[],
  command: Pick<SlashCommand, "teamId" | "userId" | "channelId">,
): Caller | undefined {
  let best: { caller: Caller; rank: number } | undefined;
  for (const caller of callers) {
    for (const identity of identitiesOf(caller, "slack")) {
      const rank = matchRank(identity, command);
      if (rank > 0 && (best === undefined || rank > best.rank)) best = { caller, rank };
    }
  }
  return best?.caller;
}

/** 3: the user is listed; 2: the channel is; 1: the whole workspace; 0: no match. */
function matchRank(identity: SlackIdentity, command: Pick<SlashCommand, "teamId" | "userId" | "channelId">) {
  if (identity.teamId !== command.teamId) return 0;
  if (identity.userIds === undefined && identity.channelIds === undefined) return 1;
  if (identity.userIds?.includes(command.userId)) return 3;
  return identity.channelIds?.includes(command.channelId) ? 2 : 0;
}
