import { describe, expect, it } from "vitest";
import type { Caller } from "../../../src/access/callers.js";
import { parseAccepterAccounts } from "../../../src/domain/accepter/accounts.js";
import type { AtlasCredentials } from "../../../src/ports/AtlasCredentialSource.js";
import type { AtlasAnswer, PeerCall } from "../../../src/ports/AtlasPeeringApi.js";
import { AtlasBudgetEmptyError } from "../../../src/ports/AtlasRateBudget.js";
import type { LogAttributes, Logger } from "../../../src/ports/Logger.js";
import type { ChangeSubmission } from "../../../src/usecases/ChangeSubmission.js";
import { recheckChange } from "../../../src/usecases/recheckChange.js";
import { submitChange } from "../../../src/usecases/submitChange.js";
import { GROUP_A, PEER_1, testRegistry } from "../../helpers/callers.js";
import { fakeChangeDeps } from "../../helpers/changeDeps.js";
import { FakeAtlas } from "../../helpers/fakes.js";

/**
 * What the re-check and submit logs say was sent is what reached Atlas: a PATCH the shared Atlas budget held
 * back is named as held. And a change that waits from its PATCH's answer on, in an account the gateway
 * accepts in, is announced with the gateway's step, not a person's.
 */

const caller = testRegistry().callers[0] as Caller;
const DESIRED = { vpcId: "vpc-0123456789abcdef0", awsAccountId: "123456789012" };
const FAR = Number.MAX_SAFE_INTEGER;
const PCX = "pcx-0a1b2c3d4e5f60718";
const unavailable = { status: 503, body: '{"error":503,"errorCode":"SERVICE_UNAVAILABLE"}' };

const submission: ChangeSubmission = {
  caller,
  channel: "http",
  call: { groupId: GROUP_A, peerId: PEER_1, apiVersion: "v2", query: {} },
  provider: "AWS",
  body: JSON.stringify(DESIRED),
  requestId: "req-1",
};

const peer = (statusName: string, settings: object = DESIRED) => ({
  status: 200,
  body: JSON.stringify({ id: PEER_1, providerName: "AWS", statusName, ...settings }),
});

/** Atlas as scripted, except that the PATCHes numbered in `held` find the shared budget empty. */
class BudgetedAtlas extends FakeAtlas {
  patches = 0;
  constructor(
    private readonly held: number[],
    ...script: ConstructorParameters<typeof FakeAtlas>
  ) {
    super(...script);
  }

  override async updatePeer(
    credentials: AtlasCredentials,
    call: PeerCall,
    body: string,
  ): Promise<AtlasAnswer> {
    this.patches += 1;
    if (this.held.includes(this.patches))
      throw new AtlasBudgetEmptyError(1_764_331_500_000, 1_764_331_200_000);
    return super.updatePeer(credentials, call, body);
  }
}

/** The info lines the use cases log, by message. */
function recordInfo(fake: ReturnType<typeof fakeChangeDeps>) {
  const lines: Array<{ message: string; fields: LogAttributes }> = [];
  // The use cases log through the port's signature: a message and attribute objects.
  const logger: Logger = fake.deps.logger;
  logger.info = (message: string, ...attributes: LogAttributes[]) => {
    lines.push({ message, fields: Object.assign({}, ...attributes) });
  };
  return (message: string) => lines.filter((line) => line.message === message).map((line) => line.fields);
}

describe("what the logs say was sent", () => {
  it("names a re-sent PATCH the budget held back as held, not as sent", async () => {
    // The first PATCH finds Atlas unavailable; the re-check reads a peer without the settings, and the
    // re-send finds the budget empty.
    const atlas = new BudgetedAtlas([2], unavailable, peer("AVAILABLE", { vpcId: "vpc-0fedcba9876543210" }));
    const fake = fakeChangeDeps({ atlas });
    const logged = recordInfo(fake);
    await submitChange(submission, fake.deps, FAR);
    fake.advance(60_000);
    await recheckChange({ changeId: "chg-1", attempt: 1 }, fake.deps, FAR);
    expect(atlas.patches).toBe(2);
    expect(atlas.changeCalls.map((c) => c.method)).toEqual(["PATCH", "GET"]);
    expect(logged("change re-checked")).toEqual([
      expect.objectContaining({ sent: "GET+PATCH(held: budget)" }),
    ]);
  });

  it("says so for a submitted change whose PATCH the budget held back, and PATCH for one that went", async () => {
    const held = fakeChangeDeps({ atlas: new BudgetedAtlas([1]) });
    const heldLog = recordInfo(held);
    const outcome = await submitChange(submission, held.deps, FAR);
    expect(outcome).toMatchObject({ change: { state: "RETRYING" } });
    expect(heldLog("peering change submitted")).toEqual([
      expect.objectContaining({ sent: "PATCH(held: budget)", atlasHttpStatus: undefined }),
    ]);

    const sent = fakeChangeDeps({ atlas: new FakeAtlas(peer("INITIATING")) });
    const sentLog = recordInfo(sent);
    await submitChange(submission, sent.deps, FAR);
    expect(sentLog("peering change submitted")).toEqual([
      expect.objectContaining({ sent: "PATCH", atlasHttpStatus: 200 }),
    ]);
  });
});

describe("a change that waits from its PATCH's answer on, in an account the gateway accepts in", () => {
  const section = {
    [DESIRED.awsAccountId]: {
      roleArn: `arn:aws:iam::${DESIRED.awsAccountId}:role/atlas-peering-accepter`,
      externalId: "ext-7f3a9c",
      accept: true,
      routeTableIds: "all",
    },
  };

  it("is announced with the gateway's step (the http function, which runs no peer side, knows it too)", async () => {
    const registry = { ...testRegistry(), awsAccounts: parseAccepterAccounts(section, "test") };
    const fake = fakeChangeDeps({
      atlas: new FakeAtlas(peer("PENDING_ACCEPTANCE", { ...DESIRED, connectionId: PCX })),
      registry,
    });
    const { change } = await submitChange(submission, fake.deps, FAR);
    expect(change).toMatchObject({ state: "WAITING_FOR_USER", accepterAccountId: DESIRED.awsAccountId });
    expect(fake.events.events).toHaveLength(1);
    expect(fake.events.events[0]?.nextAction).toMatch(/^The gateway accepts pcx-0a1b2c3d4e5f60718 /);
    expect(fake.events.events[0]?.nextActionCommands).toBeUndefined();
  });

  it("keeps asking a person when the registry cannot be read (the next check tries again)", async () => {
    const fake = fakeChangeDeps({
      atlas: new FakeAtlas(peer("PENDING_ACCEPTANCE", { ...DESIRED, connectionId: PCX })),
    });
    fake.deps.callers = {
      registry: async () => {
        throw new Error("Secrets Manager is down");
      },
    };
    const { change } = await submitChange({ ...submission, plan: false }, fake.deps, FAR);
    expect(change.state).toBe("WAITING_FOR_USER");
    expect(change.accepterAccountId).toBeUndefined();
    expect(fake.events.events[0]?.nextAction).toMatch(
      /^Accept VPC peering connection pcx-0a1b2c3d4e5f60718 /,
    );
  });
});
