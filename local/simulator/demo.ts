/**
 * The demo project every simulator starts with: one project holding one AVAILABLE peer per provider. The ids
 * are fixed so docs, scripts and tests can name them; all are 24 lowercase hex digits like real Atlas ids.
 */

/** The AWS demo peer: the fields a PATCH can carry plus its ids. */
export interface DemoAwsPeer {
  readonly providerName: "AWS";
  readonly peerId: string;
  readonly containerId: string;
  readonly accepterRegionName: string;
  readonly awsAccountId: string;
  readonly routeTableCidrBlock: string;
  readonly vpcId: string;
  readonly connectionId: string;
}

/** The Azure demo peer. */
export interface DemoAzurePeer {
  readonly providerName: "AZURE";
  readonly peerId: string;
  readonly containerId: string;
  readonly azureDirectoryId: string;
  readonly azureSubscriptionId: string;
  readonly resourceGroupName: string;
  readonly vnetName: string;
}

/** The GCP demo peer. */
export interface DemoGcpPeer {
  readonly providerName: "GCP";
  readonly peerId: string;
  readonly containerId: string;
  readonly gcpProjectId: string;
  readonly networkName: string;
}

/**
 * The demo project: its id, its three peers, the AWS peer in another account when asked for, and the extra
 * AWS peers `ATLAS_SIM_DEMO_PEERS` asked for.
 */
export interface DemoProject {
  readonly groupId: string;
  readonly peers: {
    readonly aws: DemoAwsPeer;
    readonly azure: DemoAzurePeer;
    readonly gcp: DemoGcpPeer;
  };
  /**
   * An AWS peer in another AWS account (`otherAccountPeer`; the local stack has one): the gateway holds no role
   * there, so its owner accepts Atlas's request by hand.
   */
  readonly awsOtherAccount?: DemoAwsPeer;
  /** More AWS peers in the same project and container (none by default), to rehearse many changes at once. */
  readonly awsPeers?: readonly DemoAwsPeer[];
}

/** At most this many extra peers: enough for any rehearsal, and the state file stays small. */
export const MAX_DEMO_PEERS = 200;

/** The demo project's fixed contents. */
export const DEMO_PROJECT: DemoProject = Object.freeze({
  groupId: "5f1e2d3c4b5a69788796a5b4",
  peers: Object.freeze({
    aws: Object.freeze({
      providerName: "AWS",
      peerId: "5f1e2d3c4b5a69788796a5c1",
      containerId: "5f1e2d3c4b5a69788796a5d1",
      accepterRegionName: "us-east-1",
      awsAccountId: "123456789012",
      routeTableCidrBlock: "10.8.0.0/21",
      vpcId: "vpc-0123456789abcdef0",
      connectionId: "pcx-0a1b2c3d4e5f60718",
    }),
    azure: Object.freeze({
      providerName: "AZURE",
      peerId: "5f1e2d3c4b5a69788796a5c2",
      containerId: "5f1e2d3c4b5a69788796a5d2",
      azureDirectoryId: "0f3e5c1a-8b7d-4e2f-9a6b-1c2d3e4f5a6b",
      azureSubscriptionId: "6b5a4f3e-2d1c-4b6a-9f2e-7d8b1a5c3e0f",
      resourceGroupName: "atlas-demo-rg",
      vnetName: "atlas-demo-vnet",
    }),
    gcp: Object.freeze({
      providerName: "GCP",
      peerId: "5f1e2d3c4b5a69788796a5c3",
      containerId: "5f1e2d3c4b5a69788796a5d3",
      gcpProjectId: "atlas-demo-project",
      networkName: "atlas-demo-network",
    }),
  }),
} as const);

/** The AWS peer in another account: the demo AWS peer's container and region, its own account, VPC and pcx. */
export const DEMO_OTHER_ACCOUNT_PEER: DemoAwsPeer = Object.freeze({
  ...DEMO_PROJECT.peers.aws,
  peerId: "5f1e2d3c4b5a69788796a5c4",
  awsAccountId: "210987654321",
  routeTableCidrBlock: "10.12.0.0/21",
  vpcId: "vpc-0fedcba9876543210",
  connectionId: "pcx-0b2c3d4e5f6071829",
});

/**
 * The demo project with `extraAwsPeers` more AWS peers (ids and route tables numbered, so a script can name
 * them: `GET /__sim/demo` lists them), all AVAILABLE in the demo AWS peer's container and region, and with
 * `otherAccount` the AWS peer in another account.
 */
export function demoProject(extraAwsPeers: number, otherAccount = false): DemoProject {
  if (!Number.isInteger(extraAwsPeers) || extraAwsPeers < 0 || extraAwsPeers > MAX_DEMO_PEERS) {
    throw new Error(
      `ATLAS_SIM_DEMO_PEERS must be an integer from 0 to ${MAX_DEMO_PEERS}, got ${extraAwsPeers}`,
    );
  }
  const project = otherAccount ? { ...DEMO_PROJECT, awsOtherAccount: DEMO_OTHER_ACCOUNT_PEER } : DEMO_PROJECT;
  if (extraAwsPeers === 0) return Object.freeze(project);
  const base = DEMO_PROJECT.peers.aws;
  const awsPeers = Array.from({ length: extraAwsPeers }, (_, index) => {
    const n = index + 1;
    const hex = n.toString(16).padStart(4, "0");
    return Object.freeze({
      ...base,
      peerId: `5f1e2d3c4b5a69788797${hex}`,
      // 10.64.0.0/24, 10.64.1.0/24, …: private, disjoint from one another and from the Atlas side.
      routeTableCidrBlock: `10.${64 + Math.floor(n / 256)}.${n % 256}.0/24`,
      vpcId: `vpc-0d3e0${hex.padStart(12, "0")}`,
      connectionId: `pcx-0e1f${hex.padStart(13, "0")}`,
    });
  });
  return Object.freeze({ ...project, awsPeers: Object.freeze(awsPeers) });
}

/** Every demo peer: the three of the demo project, the one in another account, then its extra AWS peers. */
export function allDemoPeers(demo: DemoProject): Array<DemoAwsPeer | DemoAzurePeer | DemoGcpPeer> {
  const other = demo.awsOtherAccount === undefined ? [] : [demo.awsOtherAccount];
  return [demo.peers.aws, demo.peers.azure, demo.peers.gcp, ...other, ...(demo.awsPeers ?? [])];
}

/**
 * The writable settings of a demo peer (everything but the ids and the provider), as the peer store keeps them.
 * `connectionId` is not a setting: the store tracks it separately because it is read-only.
 */
export function demoSettings(peer: DemoAwsPeer | DemoAzurePeer | DemoGcpPeer): Record<string, string | null> {
  const { providerName: _provider, peerId: _peerId, ...settings } = peer;
  if ("connectionId" in settings) {
    const { connectionId: _connection, ...rest } = settings;
    return rest;
  }
  return settings;
}
