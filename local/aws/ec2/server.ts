/**
 * A local stand-in for a peer's AWS account: EC2 (Query protocol, XML answers) for VPC peering, route tables
 * and security groups, and STS AssumeRole into the roles it knows. One server answers both: give its `url`
 * as `AWS_ENDPOINT_URL_EC2` and `AWS_ENDPOINT_URL_STS`. The region of an EC2 call is the one it is signed for,
 * so a peering is found only in its accepter VPC's region, as in AWS.
 */
import { createServer } from "node:http";
import { listen } from "../calls.js";
import { answer, type Dispatch, type PeerCloudCall } from "./dispatch.js";
import {
  addPendingPeering,
  addRouteTable,
  addSecurityGroup,
  addVpc,
  type PendingPeeringFixture,
  type VpcFixture,
} from "./fixtures.js";
import { Cloud, type Peering, type Role, type Route } from "./model.js";

export type { PeerCloudCall } from "./dispatch.js";
export type { PendingPeeringFixture, VpcFixture } from "./fixtures.js";

export interface PeerCloudOptions {
  /** Default 0: any free port (always on 127.0.0.1). */
  port?: number;
  /** The clock (epoch ms): drives the 7-day expiry and provisioning. */
  now?: () => number;
  /** How long an accepted peering reads `provisioning`; default 0 (`active` from the next read). */
  provisioningMs?: number;
  /** Called with the pcx id once a peering is accepted. */
  onAccepted?: (pcxId: string) => void;
}

/** A running emulator: its URL, the calls it answered, the cloud behind it, and fixtures to fill it. */
export interface PeerCloud {
  url: string;
  calls: PeerCloudCall[];
  cloud: Cloud;
  /** A role STS lets anyone with its ExternalId assume; `deniedActions` answer UnauthorizedOperation. */
  addRole(role: Role): void;
  addVpc(fixture: VpcFixture): { vpcId: string; mainRouteTableId: string; defaultGroupId: string };
  addRouteTable(vpcId: string, routes?: Route[]): string;
  addSecurityGroup(vpcId: string, name: string): string;
  addPendingPeering(fixture: PendingPeeringFixture): Peering;
  /**
   * Links acceptance to something else, replacing the option's hook: e.g. the Atlas simulator's
   * `POST /__sim/peers/{peerId}/accept` for the peer whose connectionId is `pcxId`.
   */
  onAccepted(hook: (pcxId: string) => void): void;
  close(): Promise<void>;
}

export async function startPeerCloud(options: PeerCloudOptions = {}): Promise<PeerCloud> {
  const cloud = new Cloud(options.now ?? Date.now, options.provisioningMs ?? 0);
  let hook = options.onAccepted ?? (() => {});
  const dispatch: Dispatch = { cloud, calls: [], onAccepted: (id) => hook(id) };
  const server = createServer((req, res) => {
    answer(dispatch, req, res).catch(() => res.destroy());
  });
  const { url, close } = await listen(server, options.port === undefined ? {} : { port: options.port });
  return {
    url,
    calls: dispatch.calls,
    cloud,
    addRole: (role) => cloud.roles.set(role.roleArn, role),
    addVpc: (fixture) => addVpc(cloud, fixture),
    addRouteTable: (vpcId, routes) => addRouteTable(cloud, vpcId, routes),
    addSecurityGroup: (vpcId, name) => addSecurityGroup(cloud, vpcId, name),
    addPendingPeering: (fixture) => addPendingPeering(cloud, fixture),
    onAccepted: (next) => {
      hook = next;
    },
    close,
  };
}
