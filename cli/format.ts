import type { ChangeView } from "../src/domain/change/view.js";
import type { GatewayApiError } from "./client.js";

/** Where the CLI writes. `isTTY` is about `stderr`, where the live status line goes. */
export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

/** The CLI's exit codes (also listed in every `--help`). */
export const ExitCode = { ok: 0, notSucceeded: 1, usage: 2, api: 3 } as const;

/** A change as a few labelled lines, for `status`, `cancel` and the end of `submit`. */
export function formatChange(view: ChangeView): string {
  const atlas = view.atlas ?? {};
  const problem = [atlas.errorCode, atlas.error, atlas.detail].filter(Boolean).join(": ");
  const rows: [string, string | undefined][] = [
    ["project", view.groupId],
    [
      "peer",
      view.peerId === undefined ? undefined : `${view.peerId}${view.provider ? ` (${view.provider})` : ""}`,
    ],
    ["atlas", atlas.status],
    ["attempt", view.attempt === undefined ? undefined : String(view.attempt)],
    ["reason", view.reason],
    ["updated", view.updatedAt && shortTime(view.updatedAt)],
    ["error", problem || undefined],
    ["fix", view.remediation],
    ["next", view.state === "WAITING_FOR_USER" ? view.nextAction : undefined],
    ...commandRows(view),
  ];
  const lines = rows.filter(([, value]) => value).map(([label, value]) => `  ${label.padEnd(8)} ${value}`);
  return `${[`Change ${view.id}: ${view.state}`, ...lines].join("\n")}\n`;
}

/** The next action's commands, one a line under a `run` label, so each can be copied whole. */
function commandRows(view: ChangeView): [string, string][] {
  if (view.state !== "WAITING_FOR_USER") return [];
  return (view.nextActionCommands ?? []).map((command, i) => [i === 0 ? "run" : "", command]);
}

/** Changes as a table: id, state, peer, Atlas status, last update. */
export function formatTable(items: readonly ChangeView[]): string {
  if (items.length === 0) return "No changes.\n";
  const rows = [
    ["ID", "STATE", "PEER", "ATLAS", "UPDATED"],
    ...items.map((v) => [
      v.id,
      v.state,
      v.peerId ?? "",
      v.atlas?.status ?? "-",
      shortTime(v.updatedAt ?? ""),
    ]),
  ];
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
  const lines = [`Error: ${error.status ? `${error.status} ` : ""}${error.title}`];
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

/** The one-line status shown while waiting: state, Atlas status, attempt and elapsed time. */
export function statusLine(view: ChangeView, elapsedMs: number): string {
  return `${view.state} | Atlas: ${view.atlas?.status ?? "-"} | attempt ${view.attempt ?? "-"} | ${duration(elapsedMs)}`;
}

/** Elapsed time as m:ss, or h:mm:ss past an hour. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * The live status line. On a terminal one line is rewritten in place (`\r` + clear line); in a log (CI, a
 * pipe) a line is printed only when the state, Atlas status or attempt changes, so logs stay short.
 */
export class Progress {
  private lastKey: string | undefined;
  private lastState: string | undefined;
  private open = false;

  constructor(private readonly io: Io) {}

  /** Shows the change's latest view, and what to do when it has just started waiting for a person. */
  update(view: ChangeView, elapsedMs: number): void {
    const key = `${view.state}|${view.atlas?.status}|${view.attempt}`;
    const entersWaiting = view.state === "WAITING_FOR_USER" && this.lastState !== "WAITING_FOR_USER";
    this.lastState = view.state;
    if (this.io.isTTY) {
      this.io.stderr(`\r\x1b[2K${statusLine(view, elapsedMs)}`);
      this.open = true;
    } else if (key !== this.lastKey) {
      this.io.stderr(`${statusLine(view, elapsedMs)}\n`);
    }
    this.lastKey = key;
    // Below the status line, once per wait: the person watching is the one who must act.
    if (entersWaiting && view.nextAction) {
      const commands = (view.nextActionCommands ?? []).map((command) => `  ${command}`);
      this.note([`Action needed: ${view.nextAction}`, ...commands].join("\n"));
    }
  }

  /** Prints a message on its own line without breaking the status line. */
  note(message: string): void {
    this.end();
    this.io.stderr(`${message}\n`);
  }

  /** Ends the rewritten line, so whatever comes next starts on a fresh one. */
  end(): void {
    if (this.open) this.io.stderr("\n");
    this.open = false;
  }
}

function shortTime(iso: string): string {
  // Milliseconds are noise in a table; keep the rest of ISO 8601 so the zone stays explicit.
  return iso.replace(/\.\d+Z$/, "Z");
}
