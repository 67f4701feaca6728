import type { ChangeView } from "../src/domain/change/view.js";
import type { GatewayApiError } from "./problem.js";
import { expiresIn, isNoop } from "./timeline.js";

/** Where the CLI writes. `isTTY` is about `stderr`, where the live status line goes. */
export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

/** The CLI's exit codes (also listed in every `--help`). */
export const ExitCode = { ok: 0, notSucceeded: 1, usage: 2, api: 3, interrupted: 130 } as const;

/** A change as a few labelled lines, for `status`, `cancel` and the end of `submit`. */
export function formatChange(view: ChangeView, now = Date.now()): string {
  const atlas = view.atlas ?? {};
  const problem = [atlas.errorCode, atlas.error, atlas.detail].filter(Boolean).join(": ");
  const rows: [string, string | undefined][] = [
    ["project", view.groupId],
    [
      "peer",
      view.peerId === undefined ? undefined : `${view.peerId}${view.provider ? ` (${view.provider})` : ""}`,
    ],
    ["atlas", atlas.status],
    ["checks", view.attempt === undefined ? undefined : String(view.attempt)],
    ["reason", view.reason],
    ["updated", view.updatedAt && shortTime(view.updatedAt)],
    ["error", problem || undefined],
    ["fix", view.remediation],
    ["next", view.state === "WAITING_FOR_USER" ? view.nextAction : undefined],
    ["accept", view.acceptBy && `by ${view.acceptBy} (${expiresIn(view, now)})`],
    ...commandRows(view),
  ];
  const lines = rows.filter(([, value]) => value).map(([label, value]) => `  ${label.padEnd(8)} ${value}`);
  // A change that found nothing to do says so: "SUCCEEDED" alone reads as if Atlas had been changed.
  const noop = isNoop(view) ? " (nothing to change: the peer already had these settings)" : "";
  return `${[`Change ${view.id}: ${view.state}${noop}`, ...lines].join("\n")}\n`;
}

/** The next action's commands, one a line under a `run` label, so each can be copied whole. */
function commandRows(view: ChangeView): [string, string][] {
  if (view.state !== "WAITING_FOR_USER") return [];
  return (view.nextActionCommands ?? []).map((command, i) => [i === 0 ? "run" : "", command]);
}

/** Changes as a table: id, state, peer, Atlas status, last update. */
export function formatTable(items: readonly ChangeView[]): string {
  if (items.length === 0) return "No changes.\n";
  return table([
    ["ID", "STATE", "PEER", "ATLAS", "UPDATED"],
    ...items.map((v) => [
      v.id,
      v.state,
      v.peerId ?? "",
      v.atlas?.status ?? "-",
      shortTime(v.updatedAt ?? ""),
    ]),
  ]);
}

/** Rows as columns padded to their widest cell, two spaces apart; the first row is the header. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return `${rows.map(line).join("\n")}\n`;
}

/** A gateway problem for people: status and title, detail, every invalid field, and the related change. */
export function formatProblem(error: GatewayApiError): string {
  const code = error.errorCode ? ` (${error.errorCode})` : "";
  const lines = [`Error: ${error.status ? `${error.status} ` : ""}${error.title}${code}`];
  if (error.detail) lines.push(`  ${error.detail}`);
  for (const field of error.errors) lines.push(`  - ${field.path}: ${field.message}`);
  if (error.remediation) lines.push(`  What to do: ${error.remediation}`);
  if (error.changeRequestId) {
    const about = error.status === 409 ? "A change for this peer is still in flight" : "Change";
    lines.push(`  ${about}: ${error.changeRequestId} (peering-gateway status ${error.changeRequestId})`);
  }
  if (error.requestId) lines.push(`  request id: ${error.requestId}`);
  return `${lines.join("\n")}\n`;
}

/** JSON for `--json`: indented, one value, ending with a newline. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function shortTime(iso: string): string {
  // Milliseconds are noise in a table; keep the rest of ISO 8601 so the zone stays explicit.
  return iso.replace(/\.\d+Z$/, "Z");
}
