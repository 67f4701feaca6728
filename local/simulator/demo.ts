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

/** The demo project: its id and its three peers. */
export interface DemoProject {
  readonly groupId: string;
  readonly peers: {
    readonly aws: DemoAwsPeer;
    readonly azure: DemoAzurePeer;
    readonly gcp: DemoGcpPeer;
  };
}

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
