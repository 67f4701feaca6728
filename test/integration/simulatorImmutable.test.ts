import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "../../local/simulator/index.js";
import { planChange } from "../../src/domain/change/plan.js";
import { PROVIDER_MODULES, PROVIDERS, type Provider } from "../../src/domain/peering/providers/index.js";
import { WRITABLE_FIELDS } from "../../src/domain/peering/settings.js";
import { digestFetch } from "./support/simDigest.js";

/**
 * The simulator and the gateway's planner agree on what Atlas can change in place: every writable field the
 * planner refuses to change is refused by the simulator (400 INVALID_ATTRIBUTE naming it), and every one it
 * lets through is accepted. The lists come from the planner's own modules, so a field added there or moved
 * between "updatable" and "fixed" fails here until the simulator follows.
 */

const V2_TYPE = "application/vnd.atlas.2023-01-01+json";
const KEYS = { aws: "AWS", azure: "AZURE", gcp: "GCP" } as const;

/** A valid value different from the demo peer's, for each writable field the planner knows. */
const OTHER_VALUE: Readonly<Record<string, string>> = {
  accepterRegionName: "us-west-2",
  awsAccountId: "210987654321",
  containerId: "0123456789abcdef01234567",
  routeTableCidrBlock: "10.9.0.0/21",
  vpcId: "vpc-0fedcba9876543210",
  azureDirectoryId: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
  azureSubscriptionId: "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
  resourceGroupName: "other-rg",
  vnetName: "other-vnet",
  gcpProjectId: "other-project-42",
  networkName: "other-network",
};

let sim: AtlasSimulator;
beforeAll(async () => {
  sim = await startAtlasSimulator({ port: 0 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

function demoPeer(provider: Provider) {
  const key = Object.entries(KEYS).find(([, name]) => name === provider)?.[0] as keyof typeof KEYS;
  return sim.demo.peers[key];
}

async function patch(provider: Provider, body: Record<string, unknown>) {
  const { peerId } = demoPeer(provider);
  const url = `${sim.url}/api/atlas/v2/groups/${sim.demo.groupId}/peers/${peerId}`;
  const headers = { Accept: V2_TYPE, "Content-Type": V2_TYPE };
  const init = { method: "PATCH", headers, body: JSON.stringify(body) };
  const response = await digestFetch(url, { ...init, username: DEMO_PUBLIC_KEY, password: DEMO_PRIVATE_KEY });
  return { status: response.status, body: JSON.parse(response.text) as Record<string, unknown> };
}

/** Every writable field of every provider, with whether the planner refuses to change it. */
const cases = PROVIDERS.flatMap((provider) =>
  WRITABLE_FIELDS[provider].map((field) => ({ provider, field })),
);

describe("immutable fields: the simulator answers what the planner expects of Atlas", () => {
  it("has a valid other value for every writable field (the planner's own validators agree)", () => {
    for (const { provider, field } of cases) {
      const value = OTHER_VALUE[field];
      expect(value, `${provider} ${field}`).toBeDefined();
      const validator = PROVIDER_MODULES[provider].fields[field];
      expect(validator && z.safeParse(validator, value).success, `${provider} ${field}=${value}`).toBe(true);
    }
  });

  it("leaves something on each side: the test would pass vacuously otherwise", () => {
    const refused = cases.filter(({ provider, field }) => plannerRefuses(provider, field));
    expect(refused.map((c) => c.field)).toEqual(expect.arrayContaining(["containerId", "networkName"]));
    expect(refused.length).toBeLessThan(cases.length);
  });

  it.each(cases)("$provider $field", async ({ provider, field }) => {
    const current = currentBody(provider);
    const answer = await patch(provider, { ...current, [field]: OTHER_VALUE[field] });
    if (plannerRefuses(provider, field)) {
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        errorCode: "INVALID_ATTRIBUTE",
        parameters: [field],
        detail: `Invalid attribute ${field} specified.`,
      });
    } else {
      expect(answer.status).toBe(200);
      expect(answer.body[field]).toBe(OTHER_VALUE[field]);
    }
  });
});

/** The demo peer's full v2 body: providerName and every writable field, as the planner would send it. */
function currentBody(provider: Provider): Record<string, unknown> {
  const peer = demoPeer(provider) as unknown as Record<string, unknown>;
  const body: Record<string, unknown> = { providerName: provider };
  for (const field of WRITABLE_FIELDS[provider]) body[field] = peer[field];
  return body;
}

/** Whether the gateway's plan refuses a change of `field` alone on the demo peer. */
function plannerRefuses(provider: Provider, field: string): boolean {
  const current = currentBody(provider);
  const plan = planChange(provider, current, { ...current, [field]: OTHER_VALUE[field] });
  expect(plan.diff.map((d) => d.field)).toEqual([field]);
  return plan.refusal !== undefined;
}
