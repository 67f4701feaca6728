import type { AuditQuery } from "../args.js";
import type { Page } from "../client.js";
import { ExitCode, formatJson, shortTime, table } from "../format.js";
import type { CommandContext } from "../main.js";

type AuditItem = Record<string, unknown>;

/** Pages followed at most with `--all`: a gateway bug returning cursors forever must not loop forever. */
const MAX_PAGES = 1000;

/**
 * `audit`: a project's audit trail, newest first, as a table (time, outcome, channel, caller, peer, change,
 * what came of it); `--all` follows the cursors. Without `--all`, the next page's cursor is printed.
 */
export async function audit(query: AuditQuery, all: boolean, context: CommandContext): Promise<number> {
  const page = all ? await allPages(query, context) : await context.client.audit(query);
  if (context.json) {
    context.io.stdout(formatJson(page));
    return ExitCode.ok;
  }
  if (page.items.length === 0) context.io.stdout(`No audit records for project ${query.groupId}.\n`);
  else
    context.io.stdout(
      table([
        ["AT", "OUTCOME", "CHANNEL", "CALLER", "PEER", "CHANGE", "DETAIL"],
        ...page.items.map(auditRow),
      ]),
    );
  if (page.cursor) context.io.stderr(`More records: add --cursor ${page.cursor} (or --all)\n`);
  return ExitCode.ok;
}

function auditRow(item: AuditItem): string[] {
  const text = (key: string) => (typeof item[key] === "string" ? (item[key] as string) : "");
  const outcome = [text("outcome"), text("reason")].filter(Boolean).join(": ");
  const detail = [text("state"), text("detail")].filter(Boolean).join(" ");
  return [
    shortTime(text("at")),
    outcome,
    text("channel"),
    text("callerId") || "-",
    text("peerId"),
    text("changeId"),
    detail,
  ];
}

async function allPages(query: AuditQuery, context: CommandContext): Promise<Page<AuditItem>> {
  const items: AuditItem[] = [];
  const seen = new Set<string>();
  let cursor = query.cursor;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await context.client.audit(cursor === undefined ? query : { ...query, cursor });
    items.push(...page.items);
    // A repeated cursor would fetch the same page again: stop rather than print duplicates forever.
    if (!page.cursor || seen.has(page.cursor)) return { items };
    seen.add(page.cursor);
    cursor = page.cursor;
  }
  context.io.stderr(`Stopped after ${MAX_PAGES} pages.\n`);
  return { items };
}
