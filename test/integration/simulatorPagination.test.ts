import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "../../local/simulator/index.js";
import { digestFetch, type SimResponse } from "./support/simDigest.js";

/**
 * `pageNum`, `itemsPerPage` and `includeCount` on the simulator's lists (peers, containers), as Atlas's spec
 * defines them: a client paging through a project must see the same pages, counts and refusals.
 */

const V2_TYPE = "application/vnd.atlas.2023-01-01+json";
let sim: AtlasSimulator;

beforeAll(async () => {
  sim = await startAtlasSimulator({ port: 0 });
});
afterAll(async () => {
  await sim.close();
});

async function list(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response: SimResponse = await digestFetch(
    `${sim.url}/api/atlas/v2/groups/${sim.demo.groupId}${path}`,
    {
      headers: { Accept: V2_TYPE },
      username: DEMO_PUBLIC_KEY,
      password: DEMO_PRIVATE_KEY,
    },
  );
  return { status: response.status, body: JSON.parse(response.text) as Record<string, unknown> };
}

const rels = (body: Record<string, unknown>) =>
  Object.fromEntries((body.links as { rel: string; href: string }[]).map((l) => [l.rel, l.href]));

describe("list pagination", () => {
  it("defaults to page 1 of 100 with a count, and says so in the self link", async () => {
    const { body } = await list("/peers");
    expect(body).toMatchObject({ totalCount: 1, results: [{ id: sim.demo.peers.aws.peerId }] });
    expect(Object.keys(rels(body))).toEqual(["self"]);
    expect(rels(body).self).toMatch(/\/peers\?pageNum=1&itemsPerPage=100$/);
  });

  it("answers the page asked for, with previous and next links where such pages exist", async () => {
    const middle = await list("/containers/all?itemsPerPage=1&pageNum=2");
    expect(middle.status).toBe(200);
    expect(middle.body).toMatchObject({ totalCount: 3, results: [{ providerName: "AZURE" }] });
    const links = rels(middle.body);
    expect(links.self).toMatch(/\/containers\/all\?pageNum=2&itemsPerPage=1$/);
    expect(links.previous).toMatch(/pageNum=1&itemsPerPage=1$/);
    expect(links.next).toMatch(/pageNum=3&itemsPerPage=1$/);
    const last = await list("/containers/all?itemsPerPage=2&pageNum=2");
    expect((last.body.results as unknown[]).length).toBe(1);
    expect(rels(last.body).next).toBeUndefined();
  });

  it("answers an empty page past the end, keeping the count", async () => {
    const { status, body } = await list("/peers?providerName=GCP&pageNum=5");
    expect(status).toBe(200);
    expect(body).toMatchObject({ results: [], totalCount: 1 });
    expect(rels(body).self).toMatch(/pageNum=5&itemsPerPage=100&providerName=GCP$/);
  });

  it("leaves totalCount out with includeCount=false", async () => {
    const { body } = await list("/peers?includeCount=false");
    expect(body).not.toHaveProperty("totalCount");
    expect(body.results).toHaveLength(1);
    expect((await list("/peers?includeCount=true")).body.totalCount).toBe(1);
  });

  it.each([
    ["itemsPerPage", "itemsPerPage=0"],
    ["itemsPerPage", "itemsPerPage=501"],
    ["itemsPerPage", "itemsPerPage=ten"],
    ["pageNum", "pageNum=0"],
    ["pageNum", "pageNum=1.5"],
    ["includeCount", "includeCount=maybe"],
  ])("refuses a bad %s (%s) with INVALID_QUERY_PARAMETER", async (name, query) => {
    const { status, body } = await list(`/peers?${query}`);
    expect(status).toBe(400);
    expect(body).toEqual({
      detail: `Invalid query parameter ${name} specified.`,
      error: 400,
      errorCode: "INVALID_QUERY_PARAMETER",
      parameters: [name],
      reason: "Bad Request",
    });
  });

  it("accepts the largest page size", async () => {
    expect((await list("/containers?itemsPerPage=500")).status).toBe(200);
  });
});
