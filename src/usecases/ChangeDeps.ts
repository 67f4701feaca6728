import type { CadencePolicy } from "../domain/change/cadence.js";
import type { AccepterAccountDirectory } from "../ports/AccepterAccountDirectory.js";
import type { AtlasCredentialSource } from "../ports/AtlasCredentialSource.js";
import type { AtlasPeeringApi } from "../ports/AtlasPeeringApi.js";
import type { AuditLog } from "../ports/AuditLog.js";
import type { CallerDirectory } from "../ports/CallerDirectory.js";
import type { ChangeMetrics } from "../ports/ChangeMetrics.js";
import type { CallbackNotifier, ChangeEventPublisher } from "../ports/ChangeNotifications.js";
import type { ChangeReplier } from "../ports/ChangeReplies.js";
import type { ChangeRateLimiter, ChangeStore, NotificationOutbox } from "../ports/ChangeStore.js";
import type { CursorSealer } from "../ports/CursorSealer.js";
import type { Logger } from "../ports/Logger.js";
import type { PeerAccountSide } from "../ports/PeerAccountSide.js";
import type { ProjectPolicySource } from "../ports/ProjectPolicySource.js";
import type { RecheckScheduler } from "../ports/RecheckScheduler.js";

/** Everything the change use cases need, all behind ports. */
export interface ChangeDeps {
  store: ChangeStore;
  /** The notifications not delivered yet (written by `store.update`). */
  outbox: NotificationOutbox;
  credentials: AtlasCredentialSource;
  atlas: AtlasPeeringApi;
  scheduler: RecheckScheduler;
  events: ChangeEventPublisher;
  callbacks: CallbackNotifier;
  repliers: ChangeReplier[];
  callers: CallerDirectory;
  /** The project policy every change is checked against before it is recorded (`NO_POLICY`: none). */
  policy: ProjectPolicySource;
  audit: AuditLog;
  /** Each caller's token bucket for change-making requests (see admitChange). */
  rateLimiter: ChangeRateLimiter;
  /** Seals the store's list positions into the opaque cursors callers hold, and opens them again. */
  cursors: CursorSealer;
  metrics: ChangeMetrics;
  logger: Logger;
  now: () => number;
  newId: () => string;
  /** In [0, 1): jitter of notification retries. */
  random: () => number;
  cadence: CadencePolicy;
  /**
   * The peer's AWS side (issue 14): accept Atlas's request and add the routes in the accounts configured with
   * a role. Absent (the http and events functions): changes wait for a person, as before.
   */
  peerSide?: PeerSideDeps;
}

/** What the re-check path needs to act on the peer's side. */
export interface PeerSideDeps {
  side: PeerAccountSide;
  accounts: AccepterAccountDirectory;
}
