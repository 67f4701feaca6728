import type { AtlasCredentials } from "../../src/atlas/credentials.js";
import type { ChangeView } from "../../src/domain/change/view.js";
import type { AtlasCredentialSource } from "../../src/ports/AtlasCredentialSource.js";
import type { AtlasAnswer, AtlasPeeringApi, PeerCall } from "../../src/ports/AtlasPeeringApi.js";
import type {
  CallbackDelivery,
  CallbackNotifier,
  ChangeEventPublisher,
  DeliveryResult,
} from "../../src/ports/ChangeNotifications.js";
import type { RecheckRequest, RecheckScheduler } from "../../src/ports/RecheckScheduler.js";

/** One call the fake Atlas received. */
export interface FakeAtlasCall {
  method: "PATCH" | "GET";
  credentials: AtlasCredentials;
  call: PeerCall;
  body?: string;
}

/**
 * An in-memory Atlas port: answers from a script (last answer repeats) and records every call, so tests can
 * prove what reached Atlas — or that nothing did.
 */
export class FakeAtlas implements AtlasPeeringApi {
  readonly calls: FakeAtlasCall[] = [];
  private readonly script: Array<Partial<AtlasAnswer> & { status: number; body: string }>;

  constructor(...script: Array<Partial<AtlasAnswer> & { status: number; body: string }>) {
    this.script = script.length > 0 ? script : [{ status: 200, body: "{}" }];
  }

  async updatePeer(credentials: AtlasCredentials, call: PeerCall, body: string): Promise<AtlasAnswer> {
    this.calls.push({ method: "PATCH", credentials, call, body });
    return this.next();
  }

  async getPeer(credentials: AtlasCredentials, call: PeerCall): Promise<AtlasAnswer> {
    this.calls.push({ method: "GET", credentials, call });
    return this.next();
  }

  private next(): AtlasAnswer {
    const entry = this.script.length > 1 ? this.script.shift() : this.script[0];
    return { headers: {}, attempts: 1, latencyMs: 3, ...entry } as AtlasAnswer;
  }
}

/** Credentials that change when refreshed, like a rotated secret; counts the fetches. */
export class RotatingCredentials implements AtlasCredentialSource {
  fetches: Array<{ groupId: string; refresh: boolean }> = [];
  constructor(
    private current: AtlasCredentials,
    private readonly afterRefresh: AtlasCredentials = current,
  ) {}

  async credentialsFor(groupId: string, options: { refresh?: boolean } = {}): Promise<AtlasCredentials> {
    this.fetches.push({ groupId, refresh: options.refresh ?? false });
    if (options.refresh) this.current = this.afterRefresh;
    return this.current;
  }
}

/** Records schedules; `failNext` makes the next schedule() throw, as an unavailable Scheduler would. */
export class RecordingScheduler implements RecheckScheduler {
  readonly scheduled: Array<RecheckRequest & { at: number }> = [];
  readonly cancelled: RecheckRequest[] = [];
  failNext = 0;

  async schedule(request: RecheckRequest, at: number): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error("Scheduler unavailable");
    }
    this.scheduled.push({ ...request, at });
  }

  async cancel(request: RecheckRequest): Promise<void> {
    this.cancelled.push(request);
  }
}

/** Records published change events. */
export class RecordingPublisher implements ChangeEventPublisher {
  readonly events: ChangeView[] = [];
  async publish(change: ChangeView): Promise<void> {
    this.events.push(change);
  }
}

/** Records callback deliveries and reports them delivered. */
export class RecordingNotifier implements CallbackNotifier {
  readonly deliveries: CallbackDelivery[] = [];
  async deliver(delivery: CallbackDelivery): Promise<DeliveryResult> {
    this.deliveries.push(delivery);
    return { delivered: true, attempts: 1, lastOutcome: "200" };
  }
}
