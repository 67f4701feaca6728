/**
 * A local stand-in for a peer's AWS account: EC2 (Query protocol, XML answers) for VPC peering, route tables
 * and security groups, and STS AssumeRole into the roles it knows. One server answers both: give its `url`
 * as `AWS_ENDPOINT_URL_EC2` and `AWS_ENDPOINT_URL_STS`. The region of an EC2 call is the one it is signed for,
 * so a peering is found only in its accepter VPC's region, as in AWS.
 */
import { createServer } from "node:http";
import { listen } from "../calls.js";
import type { TargetEvent } from "../eventBridge.js";
import { answer, type Dispatch, type PeerCloudCall } from "./dispatch.js";
import {
  addPendingPeering,
  addRouteTable,
  addSecurityGroup,
  addUser,
  addVpc,
  type PendingPeeringFixture,
  type UserFixture,
  type VpcFixture,
} from "./fixtures.js";
import { Cloud, type Peering, type Role, type Route } from "./model.js";

export type { PeerCloudCall } from "./dispatch.js";
export type { PendingPeeringFixture, UserFixture, VpcFixture } from "./fixtures.js";

/** Told of an accepted pcx; a promise it returns is awaited before the call's CloudTrail record is given on. */
export type AcceptedHook = (pcxId: string) => unknown;
/** Given CloudTrail's record of each accept, as EventBridge would deliver it. */
export type TrailHook = (record: TargetEvent) => unknown;

export interface PeerCloudOptions {
  /** Default 0: any free port (always on 127.0.0.1). */
  port?: number;
  /** The clock (epoch ms): drives the 7-day expiry and provisioning. */
  now?: () => number;
  /** How long an accepted peering reads `provisioning`; default 0 (`active` from the next read). */
  provisioningMs?: number;
  /** Called with the pcx id once a peering is accepted. */
  onAccepted?: AcceptedHook;
  /**
   * Given CloudTrail's record of each accept (whoever made it: a trail records every write), once
   * `onAccepted` has settled, so that whoever the record sends to Atlas finds the peer already moved on.
   */
  trail?: TrailHook;
}

/** A running emulator: its URL, the calls it answered, the cloud behind it, and fixtures to fill it. */
export interface PeerCloud {
  url: string;
  calls: PeerCloudCall[];
  cloud: Cloud;
  /** A role STS lets anyone with its ExternalId assume; `deniedActions` answer UnauthorizedOperation. */
  addRole(role: Role): void;
  /** A person's access key: EC2 calls signed with it (any secret) run as that IAM user, with every right. */
  addUser(user: UserFixture): void;
  addVpc(fixture: VpcFixture): { vpcId: string; mainRouteTableId: string; defaultGroupId: string };
  addRouteTable(vpcId: string, routes?: Route[]): string;
  addSecurityGroup(vpcId: string, name: string): string;
  addPendingPeering(fixture: PendingPeeringFixture): Peering;
  /**
   * Links acceptance to something else, replacing the option's hook: e.g. the Atlas simulator's
   * `POST /__sim/peers/{peerId}/accept` for the peer whose connectionId is `pcxId`.
   */
  onAccepted(hook: AcceptedHook): void;
  /** Where CloudTrail's records go from now on, replacing the option's. */
  onTrail(hook: TrailHook): void;
  /** Resolves once every hook and record given on so far has settled. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function startPeerCloud(options: PeerCloudOptions = {}): Promise<PeerCloud> {
  const cloud = new Cloud(options.now ?? Date.now, options.provisioningMs ?? 0);
  const listeners = new Listeners(options);
  const dispatch: Dispatch = { cloud, calls: [], accepted: (id, record) => listeners.accepted(id, record) };
  const server = createServer((req, res) => {
    answer(dispatch, req, res).catch(() => res.destroy());
  });
  const { url, close } = await listen(server, options.port === undefined ? {} : { port: options.port });
  return {
    url,
    calls: dispatch.calls,
    cloud,
    addRole: (role) => cloud.roles.set(role.roleArn, role),
    addUser: (user) => addUser(cloud, user),
    addVpc: (fixture) => addVpc(cloud, fixture),
    addRouteTable: (vpcId, routes) => addRouteTable(cloud, vpcId, routes),
    addSecurityGroup: (vpcId, name) => addSecurityGroup(cloud, vpcId, name),
    addPendingPeering: (fixture) => addPendingPeering(cloud, fixture),
    onAccepted: (next) => {
      listeners.hook = next;
    },
    onTrail: (next) => {
      listeners.trail = next;
    },
    settled: () => listeners.settled(),
    close,
  };
}

/** Who is told of accepts: the hook at once (during the call), then the trail once the hook has settled. */
class Listeners {
  hook: AcceptedHook;
  trail: TrailHook;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(options: PeerCloudOptions) {
    this.hook = options.onAccepted ?? (() => undefined);
    this.trail = options.trail ?? (() => undefined);
  }

  accepted(pcxId: string, record: TargetEvent): void {
    let returned: unknown;
    try {
      returned = this.hook(pcxId);
    } catch {
      returned = undefined;
    }
    // Atlas first, then the trail: whoever the record sends to Atlas finds the peer moved on.
    const told: Promise<unknown> = Promise.resolve(returned)
      .catch(() => undefined)
      .then(() => this.trail(record))
      .catch(() => undefined)
      .finally(() => this.#inFlight.delete(told));
    this.#inFlight.add(told);
  }

  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }
}
