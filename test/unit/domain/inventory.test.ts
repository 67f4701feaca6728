import { describe, expect, it } from "vitest";
import type { ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import { inventoryItems, lastChangesByPeer, nextStep } from "../../../src/domain/change/inventory.js";
import { type AtlasPeering, peeringPage, terraformImportId } from "../../../src/domain/peering/inventory.js";
import { validateInventoryQuery } from "../../../src/domain/peering/inventoryQuery.js";

const GROUP = "5f1e2d3c4b5a69788796a5b4";
const AWS_PEER = "5f1e2d3c4b5a69788796a5c1";
const AZURE_PEER = "5f1e2d3c4b5a69788796a5c2";
const GCP_PEER = "5f1e2d3c4b5a69788796a5c3";

const awsEntry = {
  id: AWS_PEER,
  providerName: "AWS",
  statusName: "AVAILABLE",
  errorStateName: null,
  connectionId: "pcx-0a1b2c3d4e5f60718",
  vpcId: "vpc-0123456789abcdef0",
  awsAccountId: "123456789012",
  routeTableCidrBlock: "10.8.0.0/21",
  accepterRegionName: "us-east-1",
  containerId: "5f1e2d3c4b5a69788796a5d1",
};
const azureEntry = {
  id: AZURE_PEER,
  providerName: "AZURE",
  status: "AVAILABLE",
  errorState: null,
  vnetName: "Atlas-Demo-VNet",
  resourceGroupName: "atlas-demo-rg",
  containerId: "5f1e2d3c4b5a69788796a5d2",
};
const gcpEntry = {
  id: GCP_PEER,
  providerName: "GCP",
  status: "WAITING_FOR_USER",
  errorMessage: null,
  networkName: "atlas-demo-network",
  gcpProjectId: "atlas-demo-project",
  containerId: "5f1e2d3c4b5a69788796a5d3",
};

function pageOf(provider: "AWS" | "AZURE" | "GCP", entry: object): AtlasPeering[] {
  const page = peeringPage({ links: [], results: [entry], totalCount: 1 }, provider);
  if (page === undefined) throw new Error("not a page");
  return page.peerings;
}
const PEERINGS = [...pageOf("AWS", awsEntry), ...pageOf("AZURE", azureEntry), ...pageOf("GCP", gcpEntry)];

function change(id: string, peerId: string, state: ChangeRecord["state"], createdAt: number): ChangeRecord {
  return {
    id,
    version: 1,
    callerId: "alice",
    channel: "http",
    groupId: GROUP,
    peerId,
    provider: "AWS",
    operation: "update",
    apiVersion: "v2",
    query: {},
    desired: JSON.stringify({ providerName: "AWS", routeTableCidrBlock: "10.9.0.0/21" }),
    state,
    atlas: { status: state === "WAITING_FOR_USER" ? "PENDING_ACCEPTANCE" : "AVAILABLE" },
    attempt: 1,
    waitingChecks: 0,
    deadline: createdAt + 3_600_000,
    history: [],
    createdAt,
    updatedAt: createdAt + 1000,
  } as ChangeRecord;
}

describe("peeringPage", () => {
  it("reads Atlas's page of one provider: ids, status fields, settings, and skips entries without an id", () => {
    const page = peeringPage({ results: [awsEntry, { statusName: "AVAILABLE" }, "x"], totalCount: 3 }, "AWS");
    expect(page?.resultCount).toBe(3);
    expect(page?.totalCount).toBe(3);
    expect(page?.peerings).toEqual([
      {
        provider: "AWS",
        peerId: AWS_PEER,
        atlas: { status: "AVAILABLE", connectionId: "pcx-0a1b2c3d4e5f60718" },
        settings: {
          containerId: "5f1e2d3c4b5a69788796a5d1",
          accepterRegionName: "us-east-1",
          awsAccountId: "123456789012",
          routeTableCidrBlock: "10.8.0.0/21",
          vpcId: "vpc-0123456789abcdef0",
        },
      },
    ]);
  });

  it("is undefined for a body that is no page (an error, an array)", () => {
    expect(peeringPage({ error: 500 }, "AWS")).toBeUndefined();
    expect(peeringPage([awsEntry], "AWS")).toBeUndefined();
  });
});

describe("inventoryItems", () => {
  it("carries each peering's Terraform import id, PROJECTID-PEERID-PROVIDERNAME", () => {
    const items = inventoryItems(GROUP, PEERINGS, new Map());
    expect(items.map((item) => item.importId)).toEqual([
      `${GROUP}-${AWS_PEER}-AWS`,
      `${GROUP}-${AZURE_PEER}-AZURE`,
      `${GROUP}-${GCP_PEER}-GCP`,
    ]);
    expect(terraformImportId(GROUP, GCP_PEER, "GCP")).toBe(`${GROUP}-${GCP_PEER}-GCP`);
  });

  it("puts each peer's newest change beside it (id, state, when, who), none where there was none", () => {
    const changes = [
      change("chg-new", AWS_PEER, "SUCCEEDED", 3_000_000),
      change("chg-azure", AZURE_PEER, "FAILED", 2_000_000),
      change("chg-old", AWS_PEER, "FAILED", 1_000_000),
    ];
    const items = inventoryItems(GROUP, PEERINGS, lastChangesByPeer(changes));
    expect(items[0]?.lastChange).toEqual({
      id: "chg-new",
      state: "SUCCEEDED",
      requestedAt: new Date(3_000_000).toISOString(),
      updatedAt: new Date(3_001_000).toISOString(),
      callerId: "alice",
      channel: "http",
      links: { self: "/v1/peering-changes/chg-new" },
    });
    expect(items[1]?.lastChange?.id).toBe("chg-azure");
    expect(items[2]?.lastChange).toBeUndefined();
  });

  it.each([
    ["pcx-0a1b2c3d4e5f60718", AWS_PEER, ["connectionId"]],
    ["PCX-0A1B", AWS_PEER, ["connectionId"]],
    ["vpc-0123456789abcdef0", AWS_PEER, ["vpcId"]],
    [AZURE_PEER, AZURE_PEER, ["peerId", "importId"]],
    ["atlas-demo-vnet", AZURE_PEER, ["vnetName"]],
    ["atlas-demo-network", GCP_PEER, ["networkName"]],
    [`${GROUP}-${GCP_PEER}-GCP`, GCP_PEER, ["importId"]],
  ])("q=%s finds only peer %s, saying what matched", (q, peerId, matchedOn) => {
    const items = inventoryItems(GROUP, PEERINGS, new Map(), q);
    expect(items.map((item) => [item.peerId, item.matchedOn])).toEqual([[peerId, matchedOn]]);
  });

  it("finds a peering by its last change's id, and nothing by an id no peering holds", () => {
    const changes = lastChangesByPeer([change("chg-42", GCP_PEER, "SUCCEEDED", 1)]);
    expect(inventoryItems(GROUP, PEERINGS, changes, "chg-42").map((i) => i.peerId)).toEqual([GCP_PEER]);
    expect(inventoryItems(GROUP, PEERINGS, changes, "pcx-ffffffffffffffff")).toEqual([]);
  });
});

describe("nextStep", () => {
  const [aws, , gcp] = PEERINGS as [AtlasPeering, AtlasPeering, AtlasPeering];

  it("says nothing for an AVAILABLE peering whose last change ended", () => {
    expect(nextStep(aws, change("c", AWS_PEER, "SUCCEEDED", 1))).toEqual({ commands: [] });
  });

  it("follows the last change while it is under way: its own next action while a person must act", () => {
    const waiting = {
      ...change("c1", AWS_PEER, "WAITING_FOR_USER", 1),
      atlas: { connectionId: "pcx-0a1b2c3d" },
    };
    const step = nextStep(aws, waiting);
    expect(step.text).toContain("Accept VPC peering connection pcx-0a1b2c3d");
    expect(step.commands[0]).toContain(
      "accept-vpc-peering-connection --vpc-peering-connection-id pcx-0a1b2c3d",
    );
    expect(nextStep(aws, change("c2", AWS_PEER, "IN_PROGRESS", 1)).text).toContain("applying change c2");
    expect(nextStep(aws, change("c3", AWS_PEER, "RETRYING", 1)).text).toContain("sending change c3 again");
  });

  it("reads Atlas's status without a change: the provider's step while Atlas waits, the error on a failure", () => {
    const step = nextStep(gcp, undefined);
    expect(step.text).toContain("atlas-demo-project");
    expect(step.commands.length).toBeGreaterThan(0);
    const failed = { ...aws, atlas: { status: "FAILED", error: "REJECTED" } };
    expect(nextStep(failed, undefined).text).toMatch(
      /^Atlas reports FAILED \(REJECTED\): fix what the error names/,
    );
    const starting = { ...aws, atlas: { status: "INITIATING" } };
    expect(nextStep(starting, undefined).text).toContain("still setting this peering up (INITIATING)");
    const deleting = { ...aws, atlas: { status: "TERMINATING" } };
    expect(nextStep(deleting, undefined).text).toContain("deleting this peering");
  });
});

describe("validateInventoryQuery", () => {
  it("needs a project id, trims q, and names every bad parameter", () => {
    expect(validateInventoryQuery({ groupId: GROUP, q: " pcx-0a1b \n" })).toEqual({
      ok: true,
      value: { groupId: GROUP, q: "pcx-0a1b" },
    });
    const bad = validateInventoryQuery({ q: "x".repeat(201), provider: "IBM", limit: "5" });
    expect(bad.ok).toBe(false);
    const paths = bad.ok ? [] : bad.errors.map((e) => e.path).sort();
    expect(paths).toEqual(["query.groupId", "query.limit", "query.provider", "query.q"]);
  });
});
