import { describe, expect, it } from "vitest";
import type { ChangeRecord } from "../../../../src/domain/change/ChangeRecord.js";
import type { AtlasAnswer, PeerListCall } from "../../../../src/ports/AtlasPeeringApi.js";
import { AtlasUnavailableError } from "../../../../src/ports/AtlasPeeringApi.js";
import { AtlasBudgetEmptyError } from "../../../../src/ports/AtlasRateBudget.js";
import { GROUP_A, GROUP_B, PEER_1, PEER_2 } from "../../../helpers/callers.js";
import { readsSetup, TOKENS } from "./readsSetup.js";

/** `GET /v1/peerings` over the HTTP entry, with an Atlas that answers each provider's list on its own. */

type ListAnswer = Partial<AtlasAnswer> & { status: number; body: string };
const page = (results: object[], totalCount = results.length) =>
  ({ status: 200, body: JSON.stringify({ links: [], results, totalCount }) }) as ListAnswer;

const aws = (id: string) => ({
  id,
  providerName: "AWS",
  statusName: "AVAILABLE",
  connectionId: `pcx-${id.slice(-17)}`,
  vpcId: "vpc-0123456789abcdef0",
});
const AZURE = {
  id: "6a0b1c2d3e4f5a6b7c8d9e21",
  providerName: "AZURE",
  status: "AVAILABLE",
  vnetName: "team-vnet",
};
const GCP = {
  id: "6a0b1c2d3e4f5a6b7c8d9e31",
  providerName: "GCP",
  status: "AVAILABLE",
  networkName: "team-net",
};

function setup(answers: Partial<Record<string, ListAnswer | (() => never)>> = {}) {
  const reads = readsSetup();
  const asked: PeerListCall[] = [];
  const byProvider: Record<string, ListAnswer | (() => never)> = {
    AWS: page([aws(PEER_1), aws(PEER_2)]),
    AZURE: page([AZURE]),
    GCP: page([GCP]),
    ...answers,
  };
  reads.atlas.listPeers = async (_credentials, call) => {
    asked.push(call);
    const answer = byProvider[call.query.providerName ?? "AWS"] ?? page([]);
    if (typeof answer === "function") answer();
    return { headers: {}, attempts: 1, latencyMs: 1, ...(answer as ListAnswer) };
  };
  const list = async (query: string, token: string = TOKENS.ops) => {
    const result = await reads.send("GET", "/v1/peerings", { token, query });
    return { status: result.statusCode, body: JSON.parse(result.body) };
  };
  return { ...reads, asked, list };
}

describe("GET /v1/peerings", () => {
  it("lists every provider's peerings, asking Atlas once per provider, with import ids; audited once", async () => {
    const { asked, list, audit } = setup();
    const answer = await list(`groupId=${GROUP_A}`);
    expect(answer.status).toBe(200);
    expect(
      answer.body.items.map((i: { provider: string; peerId: string }) => `${i.provider} ${i.peerId}`),
    ).toEqual([`AWS ${PEER_1}`, `AWS ${PEER_2}`, `AZURE ${AZURE.id}`, `GCP ${GCP.id}`]);
    expect(answer.body.items[2].importId).toBe(`${GROUP_A}-${AZURE.id}-AZURE`);
    expect(answer.body.errors).toBeUndefined();
    expect(asked.map((c) => [c.apiVersion, c.query])).toEqual(
      ["AWS", "AZURE", "GCP"].map((p) => ["v2", { providerName: p, pageNum: 1, itemsPerPage: 500 }]),
    );
    const reads = audit.records.filter((r) => r.detail === "GET /v1/peerings");
    expect(reads).toMatchObject([
      { outcome: "read", groupId: GROUP_A, callerId: "ops", atlas: { httpStatus: 200 } },
    ]);
  });

  it("pages through a provider's list until Atlas's total, and reads only the provider asked for", async () => {
    const ids = Array.from({ length: 501 }, (_, n) => n.toString(16).padStart(24, "0"));
    const pages = [page(ids.slice(0, 500).map(aws), 501), page(ids.slice(500).map(aws), 501)];
    const reads = setup();
    const asked: PeerListCall[] = [];
    reads.atlas.listPeers = async (_c, call) => {
      asked.push(call);
      return {
        headers: {},
        attempts: 1,
        latencyMs: 1,
        ...(pages[(call.query.pageNum ?? 1) - 1] ?? page([])),
      };
    };
    const answer = await reads.list(`groupId=${GROUP_A}&provider=AWS`);
    expect(answer.body.items).toHaveLength(501);
    expect(answer.body.truncated).toBeUndefined();
    expect(asked.map((c) => `${c.query.providerName} ${c.query.pageNum}`)).toEqual(["AWS 1", "AWS 2"]);
  });

  it("names a provider whose list fails beside the others' peerings: Atlas's refusal, or the gateway's failure", async () => {
    const refused = {
      status: 404,
      body: JSON.stringify({ error: 404, errorCode: "GROUP_NOT_FOUND", detail: "No group." }),
    };
    const unreachable = () => {
      throw new AtlasUnavailableError("Atlas could not be reached after 3 attempts.", undefined, 3);
    };
    const { list, audit } = setup({ AZURE: refused, GCP: unreachable });
    const answer = await list(`groupId=${GROUP_A}`);
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((i: { provider: string }) => i.provider)).toEqual(["AWS", "AWS"]);
    expect(answer.body.errors).toEqual([
      { provider: "AZURE", status: 404, code: "GROUP_NOT_FOUND", detail: "No group." },
      { provider: "GCP", status: 504, code: "atlas-unreachable", detail: expect.any(String) },
    ]);
    const record = audit.records.find((r) => r.detail === "GET /v1/peerings");
    expect(record?.reason).toBe("unreadable: AZURE 404, GCP atlas-unreachable");
  });

  it("waits for the Atlas budget's next token when it is due in time, else names the provider", async () => {
    const budget = setup();
    const { time } = budget;
    let refusals = 0;
    const listed = budget.atlas.listPeers.bind(budget.atlas);
    budget.atlas.listPeers = async (credentials, call) => {
      if (call.query.providerName === "AZURE" && refusals++ === 0)
        throw new AtlasBudgetEmptyError(time() + 20, time());
      if (call.query.providerName === "GCP") throw new AtlasBudgetEmptyError(time() + 3_600_000, time());
      return listed(credentials, call);
    };
    const answer = await budget.list(`groupId=${GROUP_A}`);
    expect(refusals).toBe(2);
    expect(answer.body.items.map((i: { provider: string }) => i.provider)).toContain("AZURE");
    expect(answer.body.errors).toEqual([
      { provider: "GCP", status: 503, code: "atlas-rate-budget", detail: expect.any(String) },
    ]);
  });

  it("shows each peer's last change and its next step; q finds a peering by its pcx id", async () => {
    const { list, store } = setup();
    const record = {
      id: "chg-7",
      version: 1,
      callerId: "ops",
      channel: "http",
      groupId: GROUP_A,
      peerId: PEER_2,
      provider: "AWS",
      operation: "update",
      apiVersion: "v2",
      query: {},
      desired: "{}",
      state: "IN_PROGRESS",
      atlas: {},
      attempt: 1,
      waitingChecks: 0,
      deadline: 9_999_999_999_999,
      history: [],
      createdAt: 1_764_331_200_000,
      updatedAt: 1_764_331_260_000,
    } as unknown as ChangeRecord;
    await store.createChange(record, { nowSeconds: 0 });
    const answer = await list(`groupId=${GROUP_A}&q=${aws(PEER_2).connectionId.toUpperCase()}`);
    expect(answer.body.items).toMatchObject([
      {
        peerId: PEER_2,
        matchedOn: ["connectionId"],
        lastChange: {
          id: "chg-7",
          state: "IN_PROGRESS",
          callerId: "ops",
          updatedAt: "2025-11-28T12:01:00.000Z",
        },
        nextAction: expect.stringContaining("Atlas is applying change chg-7"),
      },
    ]);
  });

  it("lets read-only grants list, shows a peer-limited caller only its peers, refuses other projects 403", async () => {
    const { list, asked } = setup();
    expect((await list(`groupId=${GROUP_A}`, TOKENS.viewer)).status).toBe(200);
    const narrow = await list(`groupId=${GROUP_A}`, TOKENS.narrow);
    expect(narrow.body.items.map((i: { peerId: string }) => i.peerId)).toEqual([PEER_1]);
    const before = asked.length;
    const other = await list(`groupId=${GROUP_B}`);
    expect(other.status).toBe(403);
    expect(other.body.detail).toContain(`may not read project ${GROUP_B}`);
    expect(asked).toHaveLength(before);
  });

  it("refuses a bad query with 400 naming every bad parameter, and other methods with 405", async () => {
    const { list, send } = setup();
    const bad = await list("groupId=nope&provider=IBM&pageNum=2");
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "query.groupId",
      "query.pageNum",
      "query.provider",
    ]);
    expect((await send("POST", "/v1/peerings", { body: "{}" })).statusCode).toBe(405);
  });
});
