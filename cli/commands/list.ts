import type { ChangeView } from "../../src/domain/change/view.js";
import type { ListQuery } from "../args.js";
import type { ChangePage } from "../client.js";
import { ExitCode, formatJson, formatTable } from "../format.js";
import type { CommandContext } from "../main.js";

/** Pages followed at most with `--all`: a gateway bug returning cursors forever must not loop forever. */
const MAX_PAGES = 1000;

/**
 * `list`: prints one page of a project's changes (newest first) as a table, or every page with `all`.
 * Without `all`, the next page's cursor is printed so a person can continue.
 */
export async function list(query: ListQuery, all: boolean, context: CommandContext): Promise<number> {
  const page = all ? await allPages(query, context) : await context.client.list(query);
  if (context.json) {
    context.io.stdout(formatJson(page));
    return ExitCode.ok;
  }
  context.io.stdout(formatTable(page.items));
  if (page.cursor) context.io.stderr(`More changes: add --cursor ${page.cursor} (or --all)\n`);
  return ExitCode.ok;
}

async function allPages(query: ListQuery, context: CommandContext): Promise<ChangePage> {
  const items: ChangeView[] = [];
  const seen = new Set<string>();
  let cursor = query.cursor;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await context.client.list(cursor === undefined ? query : { ...query, cursor });
    items.push(...page.items);
    // A repeated cursor would fetch the same page again: stop rather than print duplicates forever.
    if (!page.cursor || seen.has(page.cursor)) return { items };
    seen.add(page.cursor);
    cursor = page.cursor;
  }
  context.io.stderr(`Stopped after ${MAX_PAGES} pages.\n`);
  return { items };
}
