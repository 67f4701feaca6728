import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "../../local/simulator/index.js";
import { digestFetch, type SimResponse, simFetch } from "./support/simDigest.js";

/**
 * The simulator's container routes and list pagination, over HTTP with digest authentication: what a client
 * reading the Atlas side of a peering (next actions) or paging through a project (drop-in reads) sees.
 */

const V2_TYPE = "application/vnd.atlas.2023-01-01+json";
let sim: AtlasSimulator;

beforeAll(async () => {
  sim = await startAtlasSimulator({ port: 0 });
});
afterAll(async () => {
  await sim.close();
});

function api(path: string, method = "GET"): Promise<SimResponse> {
  const accept = path.startsWith("/api/atlas/v2/") ? V2_TYPE : "application/json";
  return digestFetch(`${sim.url}${path}`, {
    method,
    headers: { Accept: accept },
    username: DEMO_PUBLIC_KEY,
    password: DEMO_PRIVATE_KEY,
  });
}

// biome-ignore lint/suspicious/noExplicitAny: answers are asserted on loosely.
const body = (response: SimResponse): any => JSON.parse(response.text);
const group = () => `/api/atlas/v2/groups/${sim.demo.groupId}`;

describe("GET …/containers/{containerId}", () => {
  it("answers the AWS container with the spec's fields, as the v2 media type", async () => {
    const response = await api(`${group()}/containers/${sim.demo.peers.aws.containerId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(V2_TYPE);
    expect(response.headers.get("ratelimit-limit")).toBe("100");
    expect(body(response)).toEqual({
      atlasCidrBlock: "192.168.248.0/21",
      id: sim.demo.peers.aws.containerId,
      providerName: "AWS",
      provisioned: true,
      regionName: "US_EAST_1",
      vpcId: expect.stringMatching(/^vpc-[0-9a-f]{17}$/),
    });
  });

  it("answers the GCP container with the Atlas-side project and network to peer with", async () => {
    const gcp = body(await api(`${group()}/containers/${sim.demo.peers.gcp.containerId}`));
    expect(gcp).toMatchObject({ providerName: "GCP", provisioned: true, atlasCidrBlock: "192.168.0.0/18" });
    expect(gcp.gcpProjectId).toMatch(/^p-[0-9a-z]{24}$/);
    expect(gcp.networkName).toMatch(/^nt-[0-9a-f]{24}-[0-9a-z]{8}$/);
    expect(gcp.regions).toEqual(["CENTRAL_US"]);
  });

  it("answers the Azure container, in v1.0 too", async () => {
    const path = `/api/atlas/v1.0/groups/${sim.demo.groupId}/containers/${sim.demo.peers.azure.containerId}`;
    const response = await api(path);
    expect(response.headers.get("content-type")).toBe("application/json");
    const azure = body(response);
    expect(Object.keys(azure)).toEqual([
      "atlasCidrBlock",
      "azureSubscriptionId",
      "id",
      "providerName",
      "provisioned",
      "region",
      "vnetName",
    ]);
    expect(azure).toMatchObject({ providerName: "AZURE", region: "US_EAST_2" });
    expect(azure.vnetName).toMatch(/^[-\w._()]+$/);
  });

  it("asks for digest credentials like the peer routes", async () => {
    const anonymous = await simFetch(`${sim.url}${group()}/containers/${sim.demo.peers.aws.containerId}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Digest realm="MMS Public API"/);
  });

  it("answers CLOUD_PROVIDER_CONTAINER_NOT_FOUND for an unknown or malformed id", async () => {
    for (const containerId of ["a".repeat(24), "nope"]) {
      const response = await api(`${group()}/containers/${containerId}`);
      expect(response.status).toBe(404);
      expect(body(response)).toEqual({
        detail: `An invalid cloud provider container ID ${containerId} was specified.`,
        error: 404,
        errorCode: "CLOUD_PROVIDER_CONTAINER_NOT_FOUND",
        parameters: [containerId],
        reason: "Not Found",
      });
    }
    const otherGroup = await api(`/api/atlas/v2/groups/${"b".repeat(24)}/containers`);
    expect(body(otherGroup).errorCode).toBe("GROUP_NOT_FOUND");
  });

  it("is read-only: PATCH answers 405 with Allow: GET", async () => {
    const response = await api(`${group()}/containers/${sim.demo.peers.aws.containerId}`, "PATCH");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
  });
});

describe("container lists", () => {
  it("lists one provider's containers, AWS by default, and every provider's under /all", async () => {
    const aws = body(await api(`${group()}/containers`));
    expect(aws).toMatchObject({ totalCount: 1, results: [{ providerName: "AWS" }] });
    const gcp = body(await api(`${group()}/containers?providerName=GCP`));
    expect(gcp.results.map((c: { id: string }) => c.id)).toEqual([sim.demo.peers.gcp.containerId]);
    const all = body(await api(`${group()}/containers/all`));
    expect(all.results.map((c: { providerName: string }) => c.providerName)).toEqual(["AWS", "AZURE", "GCP"]);
    expect(body(await api(`${group()}/containers?providerName=IBM`)).errorCode).toBe("INVALID_PROVIDER");
  });
});
