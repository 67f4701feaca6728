import type { CallerRegistry } from "../../src/access/callers.js";
import { AesGcmCursorSealer } from "../../src/adapters/crypto/AesGcmCursorSealer.js";
import { SlackChangeReplier } from "../../src/channels/slack/SlackChangeReplier.js";
import { createLogger, type Logger } from "../../src/observability/logger.js";
import type { AtlasCredentialSource } from "../../src/ports/AtlasCredentialSource.js";
import type { AtlasPeeringApi } from "../../src/ports/AtlasPeeringApi.js";
import { noMetrics } from "../../src/ports/ChangeMetrics.js";
import { NO_POLICY, type ProjectPolicySource } from "../../src/ports/ProjectPolicySource.js";
import type { ChangeDeps } from "../../src/usecases/ChangeDeps.js";
import { testRegistry } from "./callers.js";
import {
  FakeAtlas,
  RecordingNotifier,
  RecordingPublisher,
  RecordingScheduler,
  RecordingSlackReplies,
  RotatingCredentials,
} from "./fakes.js";
import { MemoryAuditLog } from "./memoryAudit.js";
import { MemoryChangeStore, MemoryRateLimiter } from "./memoryStore.js";
import { StaticCallerDirectory } from "./StaticCallerDirectory.js";

export const TEST_CADENCE = { recheckDelayMs: 60_000, humanWaitMaxMs: 300_000, deadlineMs: 168 * 3_600_000 };

/** Change use-case dependencies made of in-memory fakes, with a controllable clock. */
export function fakeChangeDeps(
  options: {
    atlas?: AtlasPeeringApi;
    credentials?: AtlasCredentialSource;
    registry?: CallerRegistry;
    policy?: ProjectPolicySource;
    now?: number;
  } = {},
) {
  let clock = options.now ?? 1_764_331_200_000;
  let ids = 0;
  const slackReplies = new RecordingSlackReplies();
  const store = new MemoryChangeStore();
  const parts = {
    store,
    outbox: store.outbox,
    scheduler: new RecordingScheduler(),
    events: new RecordingPublisher(),
    callbacks: new RecordingNotifier(),
    slackReplies,
    repliers: [new SlackChangeReplier(slackReplies)],
    audit: new MemoryAuditLog(),
    metrics: noMetrics,
    rateLimiter: new MemoryRateLimiter(),
    // A fixed key: tests that mint a cursor in one setup may open it in another.
    cursors: new AesGcmCursorSealer(async () => Buffer.alloc(32, 7)),
  };
  const deps: ChangeDeps & { logger: Logger } = {
    ...parts,
    atlas: options.atlas ?? new FakeAtlas(),
    credentials:
      options.credentials ??
      new RotatingCredentials({ kind: "apiKey", publicKey: "pubkey01", privateKey: "test-private-key-0001" }),
    callers: new StaticCallerDirectory(options.registry ?? testRegistry()),
    policy: options.policy ?? NO_POLICY,
    logger: createLogger({ logLevel: "SILENT" }),
    now: () => clock,
    newId: () => `chg-${++ids}`,
    random: () => 0.5,
    cadence: TEST_CADENCE,
  };
  return { deps, ...parts, advance: (ms: number) => (clock += ms), time: () => clock };
}
