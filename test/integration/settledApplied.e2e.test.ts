import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import type { ChangeView } from "../../src/domain/change/view.js";
import { CHANGE_EVENT_DETAIL_TYPE } from "../../src/ports/ChangeNotifications.js";
import { awsPeering, changeApi, FAST_CADENCE, Transcript, until } from "./support/gatewayE2e.js";
import { digestFetch } from "./support/simDigest.js";

/**
 * A change is SUCCEEDED only when the peer Atlas reports AVAILABLE holds what was asked. Here someone else
 * PATCHes the CIDR back while the gateway follows the change (an out-of-band edit, as a console user or a
 * second tool would make): the peer still ends AVAILABLE, but with the old CIDR, so the change must end FAILED.
 */

const V2_TYPE = "application/vnd.atlas.2023-01-01+json";
/** Each simulated status lasts 1.5 s, so the out-of-band PATCH lands well before the peer is AVAILABLE. */
const STEP_MS = 1_500;
const TOKEN = "e2e-token-settled-0001";
let sim: AtlasSimulator;
const stacks: LocalStack[] = [];

beforeAll(async () => {
  sim = await startAtlasSimulator({ stepMs: STEP_MS });
});
afterAll(() => sim.close());
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
  sim.reset();
});

async function stack() {
  const started = await startLocalStack({
    atlas: { baseUrl: sim.url, publicKey: DEMO_PUBLIC_KEY, privateKey: DEMO_PRIVATE_KEY },
    devToken: TOKEN,
    cadence: FAST_CADENCE,
    sweepEveryMs: 300,
    logLevel: "SILENT",
  });
  stacks.push(started);
  return started;
}

/** A PATCH straight to the simulator, digest-authenticated, bypassing the gateway. */
function patchOutOfBand(peering: object) {
  const { groupId, peers } = sim.demo;
  return digestFetch(`${sim.url}/api/atlas/v2/groups/${groupId}/peers/${peers.aws.peerId}`, {
    method: "PATCH",
    headers: { Accept: V2_TYPE, "Content-Type": V2_TYPE },
    body: JSON.stringify(peering),
    username: DEMO_PUBLIC_KEY,
    password: DEMO_PRIVATE_KEY,
  });
}

function changeViews(local: LocalStack): ChangeView[] {
  return local.events.flatMap((e) => (e.detailType === CHANGE_EVENT_DETAIL_TYPE ? [e.detail] : []));
}

describe("a change whose settings Atlas does not hold when it settles (local stack, simulator)", () => {
  it("ends FAILED with SETTINGS_NOT_APPLIED, not SUCCEEDED, when the CIDR is reverted out of band", async () => {
    const local = await stack();
    const client = changeApi(local.gatewayUrl, TOKEN, new Transcript());
    const original = sim.demo.peers.aws.routeTableCidrBlock;
    const submitted = await client.submit({
      groupId: sim.demo.groupId,
      peerId: sim.demo.peers.aws.peerId,
      peering: awsPeering(sim, "10.9.0.0/21"),
      reason: "e2e settled-applied",
    });
    expect(submitted.status).toBe(202);
    expect(submitted.body.state).toBe("IN_PROGRESS");
    const id = submitted.body.id as string;

    // While the gateway follows the change, the CIDR is set back behind its back.
    const reverted = await patchOutOfBand({ ...awsPeering(sim, original) });
    expect(reverted.status).toBe(200);
    expect(JSON.parse(reverted.text)).toMatchObject({ routeTableCidrBlock: original });

    const final = await until(
      () => client.get(id),
      (c) => ["SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "CANCELLED"].includes(c.state),
      20_000,
    );
    expect(final.state).toBe("FAILED");
    expect(final.atlas).toMatchObject({
      status: "AVAILABLE",
      errorCode: "SETTINGS_NOT_APPLIED",
      detail: `routeTableCidrBlock: Atlas holds ${original}, asked 10.9.0.0/21`,
    });
    expect(final.history.at(-1)).toMatchObject({
      to: "FAILED",
      note: expect.stringContaining(`routeTableCidrBlock: Atlas holds ${original}, asked 10.9.0.0/21`),
    });
    expect(final.history.map((h) => h.to)).not.toContain("SUCCEEDED");

    // It is announced as FAILED, like any failure, never as SUCCEEDED.
    await vi.waitFor(() => expect(changeViews(local).at(-1)?.state).toBe("FAILED"));
    const published = changeViews(local).filter((c) => c.id === id);
    expect(published.map((c) => c.state)).not.toContain("SUCCEEDED");
    expect(published.at(-1)?.atlas).toMatchObject({ errorCode: "SETTINGS_NOT_APPLIED" });
  }, 30_000);
});
