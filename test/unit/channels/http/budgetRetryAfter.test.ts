import { describe, expect, it } from "vitest";
import { toProblemResponse } from "../../../../src/channels/common/problem.js";
import { type HttpHandlerDeps, makeHttpHandler } from "../../../../src/lambda/httpHandler.js";
import type { AtlasCredentials } from "../../../../src/ports/AtlasCredentialSource.js";
import type { AtlasAnswer, PeerCall } from "../../../../src/ports/AtlasPeeringApi.js";
import { AtlasBudgetEmptyError } from "../../../../src/ports/AtlasRateBudget.js";
import { GROUP_A, PEER_1, TOKENS } from "../../../helpers/callers.js";
import { fakeChangeDeps } from "../../../helpers/changeDeps.js";
import { apiEvent, lambdaContext } from "../../../helpers/events.js";
import { FakeAtlas } from "../../../helpers/fakes.js";
import { MemoryReplayGuard } from "../../../helpers/memoryAudit.js";

/**
 * A drop-in call that finds the shared Atlas budget empty is answered 503 `atlas-rate-budget` with a
 * Retry-After for when the next token is due, as Atlas's own 503 would be: an Atlas client backs off.
 */

const NOW = 1_764_331_200_000;
const AWS_BODY = JSON.stringify({
  accepterRegionName: "us-east-1",
  awsAccountId: "123456789012",
  containerId: "5e57d85c854180642f7844bf",
  routeTableCidrBlock: "10.15.0.0/16",
  vpcId: "vpc-0123456789abcdef0",
});

/** Atlas whose every PATCH finds the budget empty until `NOW + waitMs`. */
class EmptyBudgetAtlas extends FakeAtlas {
  constructor(private readonly waitMs: number) {
    super();
  }

  override async updatePeer(_keys: AtlasCredentials, _call: PeerCall, _body: string): Promise<AtlasAnswer> {
    throw new AtlasBudgetEmptyError(NOW + this.waitMs, NOW);
  }
}

function serve(waitMs: number) {
  const fake = fakeChangeDeps({ atlas: new EmptyBudgetAtlas(waitMs), now: NOW });
  const deps: HttpHandlerDeps = {
    ...fake.deps,
    limits: { maxBodyBytes: 16_384, signatureToleranceSeconds: 300 },
    replay: new MemoryReplayGuard(),
    slackSigningSecrets: async () => [],
  };
  const handler = makeHttpHandler(deps);
  return handler(
    apiEvent({
      method: "PATCH",
      path: `/api/atlas/v2/groups/${GROUP_A}/peers/${PEER_1}`,
      headers: { authorization: `Bearer ${TOKENS.ci}` },
      body: AWS_BODY,
    }),
    lambdaContext,
  );
}

describe("the shared Atlas budget's 503", () => {
  it("says when to retry: the drop-in PATCH that found the budget empty", async () => {
    const result = await serve(42_500);
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toMatchObject({ errorCode: "GATEWAY_ATLAS_RATE_BUDGET" });
    expect(result.headers["Retry-After"] ?? result.headers["retry-after"]).toBe("43");
    // The change is still recorded: it is sent when the token is due.
    expect(result.headers["x-change-request-id"]).toBe("chg-1");
  });

  it("never asks for less than a second, whatever the clock says", () => {
    const error = new AtlasBudgetEmptyError(NOW + 10, NOW);
    const result = toProblemResponse(error, { requestId: "req-1", instance: "/v1/peering-changes" });
    expect(result).toMatchObject({ statusCode: 503, headers: { "Retry-After": "1" } });
  });
});
