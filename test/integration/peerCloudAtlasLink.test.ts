import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkToAtlasSimulator } from "../../local/aws/ec2/atlasLink.js";
import { type PeerCloud, startPeerCloud } from "../../local/aws/ec2/server.js";
import { type AtlasSimulator, startAtlasSimulator } from "../../local/simulator/index.js";
import { Ec2PeerAccountSide } from "../../src/adapters/aws/peerAccount/Ec2PeerAccountSide.js";

const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/atlas-peering-accepter`;
/** The simulator's demo AWS peer and its connection id (local/simulator/README.md). */
const PEER_ID = "5f1e2d3c4b5a69788796a5c1";
const PCX = "pcx-0a1b2c3d4e5f60718";

let sim: AtlasSimulator;
let cloud: PeerCloud;

beforeAll(async () => {
  sim = await startAtlasSimulator({ port: 0, autoAccept: false });
  cloud = await startPeerCloud();
  cloud.addRole({ roleArn: ROLE, externalId: "stack-1" });
});
afterAll(async () => {
  await cloud?.close();
  await sim?.close();
});

describe("the EC2 emulator linked to the Atlas simulator", () => {
  it("tells the simulator to move the Atlas peer on once the gateway accepts its pcx", async () => {
    const link = linkToAtlasSimulator(sim.url, (pcx) => (pcx === PCX ? PEER_ID : undefined));
    cloud.onAccepted(link.hook);
    const vpc = cloud.addVpc({ accountId: ACCOUNT, region: "us-east-1", cidr: "10.8.0.0/21" });
    cloud.addPendingPeering({
      pcxId: PCX,
      requester: {
        ownerId: "536727724300",
        vpcId: "vpc-0aa11bb22cc33dd44",
        region: "us-east-1",
        cidr: "192.168.248.0/21",
      },
      accepterVpcId: vpc.vpcId,
    });
    const side = new Ec2PeerAccountSide({
      sts: {
        endpoint: cloud.url,
        region: "us-east-1",
        credentials: { accessKeyId: "AKIALOCAL", secretAccessKey: "local" },
      },
      ec2: { endpoint: cloud.url },
    });
    const report = await side.acceptAndConnect({
      changeId: "chg_link",
      accountId: ACCOUNT,
      pcxId: PCX,
      region: "us-east-1",
      atlasCidrBlock: "192.168.248.0/21",
      account: {
        roleArn: ROLE,
        externalId: "stack-1",
        accept: true,
        routeTableIds: "all",
        dnsResolution: false,
        securityGroupIds: [],
      },
    });
    expect(report.outcome).toBe("done");
    const [result] = await link.settled();
    expect(result).toMatchObject({ pcxId: PCX, peerId: PEER_ID, status: 200 });
  });
});
