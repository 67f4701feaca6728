import { randomBytes } from "node:crypto";
import { type AtlasAcceptResult, type AtlasLink, linkToAtlasSimulator } from "./aws/ec2/atlasLink.js";
import { type PeerCloud, startPeerCloud } from "./aws/ec2/server.js";
import type { EventBridgeEmulator } from "./aws/eventBridge.js";
import { demoContainers } from "./simulator/containers.js";
import { DEMO_OTHER_ACCOUNT_PEER, DEMO_PROJECT, type DemoAwsPeer } from "./simulator/demo.js";
import {
  ATLAS_AWS_ACCOUNT_ID,
  type AtlasSimulator,
  type PeeringSideInfo,
  type PendingAwsPeering,
} from "./simulator/index.js";
import { awsRegionName } from "./simulator/pendingAcceptance.js";

/**
 * The peers' AWS accounts, locally: the EC2/STS emulator (`local/aws/ec2`) holding the demo VPCs, a role the
 * gateway may assume in the demo AWS peer's account, and a person's access key in the other demo account.
 * Linked both ways to the Atlas simulator: a request Atlas makes (a peer reaching PENDING_ACCEPTANCE) appears
 * in the emulator, and an accept made there moves the Atlas peer on, as Atlas notices an accepted request.
 * Each accept's CloudTrail record is put on the local bus, as a trail (and a peer account's forwarding rule)
 * would: a person's accept is noticed at once. The gateway's own accepts are put there too, as AWS would:
 * the re-check it triggers finds the change leased by the running peer side and does nothing.
 */

/** The role deploy/accepter-role.yml makes, by its default name. */
const ROLE_NAME = "atlas-peering-accepter";

/** The `awsAccounts` entry of the dev registry: accept, and route Atlas's CIDR in every route table. */
export interface DevAccepterAccount {
  roleArn: string;
  externalId: string;
  accept: true;
  routeTableIds: "all";
}

/** A person in an account without a role: the access key their AWS CLI signs with, and where. */
export interface PersonAccount {
  accountId: string;
  region: string;
  peerId: string;
  accessKeyId: string;
}

export interface LocalPeerAccounts {
  /** The emulator's URL: `AWS_ENDPOINT_URL_EC2` and `AWS_ENDPOINT_URL_STS` of the functions. */
  url: string;
  emulator: PeerCloud;
  /** The account the gateway accepts for, and the role it assumes there. */
  accepting: { accountId: string; roleArn: string };
  /** The account without a role, where a person accepts. */
  person: PersonAccount;
  /** The registry's `awsAccounts` section (its ExternalId is generated per start and never printed). */
  registrySection: Record<string, DevAccepterAccount>;
  /** Give to the simulator: puts each request Atlas makes into the emulator. */
  onPendingAcceptance(peering: PendingAwsPeering): void;
  /** Seeds the demo VPCs and moves the simulator's peer on when its request is accepted here. */
  linkTo(simulator: AtlasSimulator): void;
  /** What the simulator answered to each accept made here, once answered. */
  simulatorAccepts(): Promise<AtlasAcceptResult[]>;
  /** Puts each accept's CloudTrail record on `bus`: the gateway account's default bus, else the gateway's. */
  publishTo(bus: EventBridgeEmulator, gateway: { accountId: string; eventBus: string }): void;
  close(): Promise<void>;
}

export async function startLocalPeerAccounts(): Promise<LocalPeerAccounts> {
  const emulator = await startPeerCloud();
  const demo = DEMO_PROJECT.peers.aws;
  const roleArn = `arn:aws:iam::${demo.awsAccountId}:role/${ROLE_NAME}`;
  const externalId = `local-${randomBytes(16).toString("hex")}`;
  emulator.addRole({ roleArn, externalId });
  const person = addPerson(emulator, DEMO_OTHER_ACCOUNT_PEER);
  const requests = new Requests(emulator);
  let link: AtlasLink | undefined;
  return {
    url: emulator.url,
    emulator,
    accepting: { accountId: demo.awsAccountId, roleArn },
    person,
    registrySection: { [demo.awsAccountId]: { roleArn, externalId, accept: true, routeTableIds: "all" } },
    onPendingAcceptance: (peering) => requests.add(peering),
    linkTo: (simulator) => {
      const { peers, awsOtherAccount } = simulator.demo;
      requests.seed([peers.aws, ...(awsOtherAccount === undefined ? [] : [awsOtherAccount])]);
      link = linkToAtlasSimulator(simulator.url, (pcx) => requests.peerOf(pcx));
      emulator.onAccepted(link.hook);
    },
    simulatorAccepts: async () => (await link?.settled()) ?? [],
    publishTo: (bus, gateway) =>
      emulator.onTrail((record) =>
        bus.putFromAws(record, record.account === gateway.accountId ? "default" : gateway.eventBus),
      ),
    close: async () => {
      await emulator.settled();
      await link?.settled();
      await emulator.close();
    },
  };
}

/** A person in the account of `peer`, with an access key of their own. */
function addPerson(emulator: PeerCloud, peer: DemoAwsPeer): PersonAccount {
  const person: PersonAccount = {
    accountId: peer.awsAccountId,
    region: peer.accepterRegionName,
    peerId: peer.peerId,
    // Any secret signs with it: the emulator checks who signed, not the signature.
    accessKeyId: `AKIA${peer.awsAccountId}LOCL`,
  };
  emulator.addUser({
    accessKeyId: person.accessKeyId,
    accountId: person.accountId,
    userName: "local-person",
  });
  return person;
}

/**
 * The connections of the demo peers and the requests Atlas made, by pcx: each request replaces the peer's
 * previous connection (deleted), as a re-initialised peering does.
 */
class Requests {
  readonly #peerOf = new Map<string, string>();
  readonly #current = new Map<string, string>();

  constructor(private readonly emulator: PeerCloud) {}

  peerOf(pcxId: string): string | undefined {
    return this.#peerOf.get(pcxId);
  }

  add(peering: PendingAwsPeering): void {
    const { accepter, atlas, connectionId, peerId } = peering;
    const { cloud } = this.emulator;
    // The VPC Atlas was asked to peer with exists in its account: the emulator plays every peer account.
    if (!cloud.owns(accepter.vpcId, accepter.accountId, accepter.region))
      this.emulator.addVpc(vpcOf(accepter));
    const previous = cloud.peerings.get(this.#current.get(peerId) ?? "");
    if (previous !== undefined) previous.status = "deleted";
    this.emulator.addPendingPeering({
      pcxId: connectionId,
      requester: requesterOf(atlas),
      accepterVpcId: accepter.vpcId,
    });
    this.#current.set(peerId, connectionId);
    this.#peerOf.set(connectionId, peerId);
  }

  /**
   * Each demo peer's VPC, with its main route table and, in a second table, the route to Atlas's CIDR
   * through the peer's connection (active). A change makes Atlas request a new connection: the old one is
   * deleted, that route becomes a blackhole, and the gateway replaces it.
   */
  seed(peers: readonly DemoAwsPeer[]): void {
    const atlas = atlasSide();
    for (const peer of peers) {
      const { awsAccountId: accountId, vpcId, accepterRegionName: region, routeTableCidrBlock: cidr } = peer;
      this.emulator.addVpc({ accountId, vpcId, region, cidr });
      const live = this.emulator.addPendingPeering({
        pcxId: peer.connectionId,
        requester: requesterOf(atlas),
        accepterVpcId: vpcId,
      });
      live.status = "active";
      live.acceptedAt = this.emulator.cloud.now();
      this.emulator.addRouteTable(vpcId, [
        { destinationCidrBlock: atlas.cidr, vpcPeeringConnectionId: peer.connectionId },
      ]);
      this.#current.set(peer.peerId, peer.connectionId);
      this.#peerOf.set(peer.connectionId, peer.peerId);
    }
  }
}

const vpcOf = (side: PeeringSideInfo) => ({
  accountId: side.accountId,
  region: side.region,
  cidr: side.cidr,
  vpcId: side.vpcId,
});

const requesterOf = (side: PeeringSideInfo) => ({
  ownerId: side.accountId,
  vpcId: side.vpcId,
  region: side.region,
  cidr: side.cidr,
});

/** Atlas's side of the demo AWS peerings: the demo AWS container's VPC, region and CIDR. */
function atlasSide(): PeeringSideInfo {
  const fields = demoContainers().find((c) => c.provider === "AWS")?.fields ?? {};
  return {
    accountId: ATLAS_AWS_ACCOUNT_ID,
    vpcId: String(fields.vpcId),
    region: awsRegionName(String(fields.regionName)),
    cidr: String(fields.atlasCidrBlock),
  };
}
