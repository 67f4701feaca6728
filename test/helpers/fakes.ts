import type { SlackMessage } from "../../src/channels/slack/messages.js";
import type { SlackReplies } from "../../src/channels/slack/SlackResponseUrlReplies.js";
import type { ChangeView } from "../../src/domain/change/view.js";
import type { AtlasCredentialSource, AtlasCredentials } from "../../src/ports/AtlasCredentialSource.js";
import type {
  AtlasAnswer,
  AtlasPeeringApi,
  ContainerCall,
  PeerCall,
  PeerListCall,
} from "../../src/ports/AtlasPeeringApi.js";
import type {
  CallbackDelivery,
  CallbackNotifier,
  ChangeEventPublisher,
  ChangeRejection,
  DeliveryResult,
  NotificationRef,
  PublishedNotification,
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
 * An in-memory Atlas port: PATCHes and the GETs that follow them are answered from a script (the last answer
 * repeats); GETs made before any PATCH (the gateway reading the peer to plan a change) get `current`, the
 * peer as it is. Every call is recorded, so tests can prove what reached Atlas, or that nothing did.
 */
export class FakeAtlas implements AtlasPeeringApi {
  readonly calls: FakeAtlasCall[] = [];
  /** The peer before the change; an empty object unless a test sets it. */
  current: { status: number; body: string } = { status: 200, body: "{}" };
  private readonly script: Array<Partial<AtlasAnswer> & { status: number; body: string }>;

  constructor(...script: Array<Partial<AtlasAnswer> & { status: number; body: string }>) {
    this.script = script.length > 0 ? script : [{ status: 200, body: "{}" }];
  }

  /** The calls after the planning read, i.e. what the change itself sent. */
  get changeCalls(): FakeAtlasCall[] {
    const first = this.calls.findIndex((c) => c.method === "PATCH");
    return first < 0 ? [] : this.calls.slice(first);
  }

  async updatePeer(credentials: AtlasCredentials, call: PeerCall, body: string): Promise<AtlasAnswer> {
    this.calls.push({ method: "PATCH", credentials, call, body });
    return this.next();
  }

  async getPeer(credentials: AtlasCredentials, call: PeerCall): Promise<AtlasAnswer> {
    const patched = this.calls.some((c) => c.method === "PATCH");
    this.calls.push({ method: "GET", credentials, call });
    return patched ? this.next() : { headers: {}, attempts: 1, latencyMs: 1, ...this.current };
  }

  /** The lists asked for, and what each is answered (a test sets `list`; an empty AWS page by default). */
  readonly listCalls: Array<{ credentials: AtlasCredentials; call: PeerListCall }> = [];
  list: Partial<AtlasAnswer> & { status: number; body: string } = {
    status: 200,
    body: '{"links":[],"results":[],"totalCount":0}',
  };

  async listPeers(credentials: AtlasCredentials, call: PeerListCall): Promise<AtlasAnswer> {
    this.listCalls.push({ credentials, call });
    return { headers: {}, attempts: 1, latencyMs: 2, ...this.list };
  }

  /**
   * Container reads, kept apart from `calls` (tests count those as the change's peer reads and PATCHes), and
   * their answer: a test sets `container` (a function may throw, as an unreachable Atlas would); a 404 by default.
   */
  readonly containerCalls: ContainerCall[] = [];
  container: (() => Promise<{ status: number; body: string }>) | { status: number; body: string } = {
    status: 404,
    body: '{"error":404,"errorCode":"RESOURCE_NOT_FOUND"}',
  };

  async getContainer(_credentials: AtlasCredentials, call: ContainerCall): Promise<AtlasAnswer> {
    this.containerCalls.push(call);
    const answer = typeof this.container === "function" ? await this.container() : this.container;
    return { headers: {}, attempts: 1, latencyMs: 2, ...answer };
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

/** Records published change events (with the notification each announces), re-drives and rejections. */
export class RecordingPublisher implements ChangeEventPublisher {
  readonly events: ChangeView[] = [];
  readonly notifications: PublishedNotification[] = [];
  readonly redrives: NotificationRef[] = [];
  readonly rejections: ChangeRejection[] = [];
  async publish(change: ChangeView, notification: PublishedNotification): Promise<void> {
    this.events.push(change);
    this.notifications.push(notification);
  }
  async requestDelivery(notification: NotificationRef): Promise<void> {
    this.redrives.push(notification);
  }
  async publishRejection(rejection: ChangeRejection): Promise<void> {
    this.rejections.push(rejection);
  }
}

/** Records callback deliveries and reports them delivered. */
export class RecordingNotifier implements CallbackNotifier {
  readonly deliveries: CallbackDelivery[] = [];
  async deliver(delivery: CallbackDelivery): Promise<DeliveryResult> {
    this.deliveries.push(delivery);
    return { delivered: true, retryable: false, lastOutcome: "200" };
  }
}

/** Records Slack response_url posts. */
export class RecordingSlackReplies implements SlackReplies {
  readonly posts: Array<{ url: string; message: SlackMessage }> = [];
  async post(url: string, message: SlackMessage): Promise<DeliveryResult> {
    this.posts.push({ url, message });
    return { delivered: true, retryable: false, lastOutcome: "200" };
  }
}
