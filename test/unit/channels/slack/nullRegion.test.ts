import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { slackSignature } from "../../../../src/channels/slack/signature.js";
import { makeHttpHandler } from "../../../../src/lambda/httpHandler.js";
import { fakeChangeDeps } from "../../../helpers/changeDeps.js";
import { apiEvent, lambdaContext } from "../../../helpers/events.js";
import { FakeAtlas } from "../../../helpers/fakes.js";
import { MemoryReplayGuard } from "../../../helpers/memoryAudit.js";

/**
 * Issue 11 item 3: Slack `update` fills every field it was not given from the peer as Atlas returns it, and
 * Atlas returns `accepterRegionName: null` for a VPC in the container's region (docs/atlas-api.md §1.3). Such
 * a peer must be updatable; the null is not sent back (leaving the field out changes nothing on it).
 */
const SECRET = "unit-slack-signing-secret-0b7a";
const NOW = 1_764_331_200_000;
const GROUP = "5f1e2d3c4b5a69788796a5b4";
const PEER = "6a0b1c2d3e4f5a6b7c8d9e0f";
const PEER_IN_CONTAINER_REGION = {
  id: PEER,
  providerName: "AWS",
  accepterRegionName: null,
  awsAccountId: "123456789012",
  containerId: "5e57d85c854180642f7844bf",
  routeTableCidrBlock: "10.8.0.0/21",
  vpcId: "vpc-7b64b41e",
  statusName: "AVAILABLE",
  errorStateName: null,
};

beforeEach(() => {
  for (const stream of [process.stdout, process.stderr])
    vi.spyOn(stream, "write").mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

function slack() {
  const peer = JSON.stringify(PEER_IN_CONTAINER_REGION);
  const atlas = new FakeAtlas({ status: 200, body: peer, headers: { "content-type": "application/json" } });
  atlas.current = { status: 200, body: peer };
  const registry = {
    callers: [
      {
        id: "acme-chatops",
        tokenSha256: [],
        signingSecrets: [],
        projects: [{ groupId: "*" }],
        identities: { slack: [{ teamId: "T0ACME0001" }] },
      },
    ],
  };
  const { deps } = fakeChangeDeps({ now: NOW, atlas, registry });
  const handler = makeHttpHandler({
    ...deps,
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    replay: new MemoryReplayGuard(),
    slackSigningSecrets: async () => [SECRET],
  });
  return { atlas, handler };
}

function command(text: string) {
  const body = new URLSearchParams({
    team_id: "T0ACME0001",
    user_id: "U0ALICE001",
    channel_id: "C0NETWORK1",
    command: "/atlas-peering",
    text,
    response_url: "https://hooks.slack.com/commands/T0ACME0001/1/abc",
    trigger_id: "1234.5678.null",
  }).toString();
  const timestamp = String(NOW / 1000);
  const headers = {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": timestamp,
    "x-slack-signature": slackSignature(SECRET, timestamp, body),
  };
  return apiEvent({ method: "POST", path: "/v1/slack/commands", headers, body });
}

describe("Slack update of a peer whose accepterRegionName Atlas reports as null", () => {
  it("submits the change, filling the other fields from the peer and leaving the null region out", async () => {
    const { atlas, handler } = slack();
    const answer = await handler(
      command(`update ${GROUP} ${PEER} routeTableCidrBlock=10.9.0.0/21`),
      lambdaContext,
    );
    expect({ status: answer.statusCode, body: JSON.parse(answer.body) }).toMatchObject({
      body: { text: expect.stringMatching(/^Change chg-\d+ accepted/) },
    });
    const [patch] = atlas.calls.filter((call) => call.method === "PATCH");
    expect(JSON.parse(patch?.body ?? "{}")).toEqual({
      providerName: "AWS",
      awsAccountId: "123456789012",
      containerId: "5e57d85c854180642f7844bf",
      routeTableCidrBlock: "10.9.0.0/21",
      vpcId: "vpc-7b64b41e",
    });
  });
});
