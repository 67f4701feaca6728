import { describe, expect, it } from "vitest";
import { type AuditLineLogger, LoggedAuditLog } from "../../../src/observability/auditLines.js";
import type { AuditLog, AuditRecord } from "../../../src/ports/AuditLog.js";
import { MemoryAuditLog } from "../../helpers/memoryAudit.js";

const ENTRY: AuditRecord = {
  id: "audit-1",
  at: 1_750_000_000_000,
  requestId: "req-1",
  channel: "http",
  callerId: "ci-pipeline",
  outcome: "accepted",
  groupId: "5f1e2d3c4b5a69788796a5b4",
  peerId: "5f1e2d3c4b5a69788796a5c1",
  asked: { routeTableCidrBlock: "10.15.0.0/24" },
};

/** A logger that keeps every call, in order. */
function recordingLogger() {
  const lines: { level: "info" | "error"; message: string; extra: unknown }[] = [];
  const logger = {
    info: (message: string, extra?: unknown) => lines.push({ level: "info", message, extra }),
    error: (message: string, extra?: unknown) => lines.push({ level: "error", message, extra }),
  } as unknown as AuditLineLogger;
  return { logger, lines };
}

/** An AuditLog whose writes always fail, as a throttled or unreachable table would. */
const failing: AuditLog = {
  record: () => Promise.reject(new Error("DynamoDB PutItem (audit record) failed (ThrottlingException).")),
  list: () => Promise.resolve({ items: [] }),
};

describe("LoggedAuditLog", () => {
  it("writes one audit line, then stores the record", async () => {
    const { logger, lines } = recordingLogger();
    const inner = new MemoryAuditLog();
    await new LoggedAuditLog(inner, logger).record(ENTRY);
    expect(lines).toEqual([{ level: "info", message: "audit", extra: { audit: ENTRY } }]);
    expect(inner.records).toEqual([ENTRY]);
  });

  it("swallows a failed store and logs it, after the audit line", async () => {
    const { logger, lines } = recordingLogger();
    await expect(new LoggedAuditLog(failing, logger).record(ENTRY)).resolves.toBeUndefined();
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ["info", "audit"],
      ["error", "audit record not stored"],
    ]);
    expect(lines[1]?.extra).toMatchObject({ auditId: "audit-1", requestId: "req-1", errorName: "Error" });
  });

  it("forwards list to the inner log", async () => {
    const { logger, lines } = recordingLogger();
    const inner = new MemoryAuditLog();
    await inner.record(ENTRY);
    const page = await new LoggedAuditLog(inner, logger).list({
      groupId: ENTRY.groupId ?? "",
      since: 0,
      limit: 5,
    });
    expect(page).toEqual({ items: [ENTRY] });
    expect(lines).toEqual([]);
  });
});
