import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main.js";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  startAtlasSimulator,
} from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { awsPeering as demoAwsPeering } from "./support/gatewayE2e.js";

const TOKEN = "e2e-token-changes-api-01";
let sim: AtlasSimulator;
let local: LocalStack;

beforeAll(async () => {
  // Re-checks come from Scheduler's one-time schedules, about a second apart at this cadence (its `at()` has
  // whole-second precision): each simulated status lasts 1.5 s, so the waiting one is always seen.
  sim = await startAtlasSimulator({ stepMs: 1_500 });
  local = await startLocalStack({
    atlas: { baseUrl: sim.url, publicKey: DEMO_PUBLIC_KEY, privateKey: DEMO_PRIVATE_KEY },
    devToken: TOKEN,
    cadence: { recheckDelayMs: 150, humanWaitMaxMs: 400 },
    sweepEveryMs: 500,
    logLevel: "SILENT",
  });
});
afterAll(async () => {
  await local.close();
  await sim.close();
});

function post(body: object, headers: Record<string, string> = {}) {
  return fetch(`${local.gatewayUrl}/v1/peering-changes`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

function change(peer: "aws" | "gcp", extra: object = {}) {
  const { groupId, peers } = sim.demo;
  if (peer === "gcp") {
    const { containerId, gcpProjectId, networkName } = peers.gcp;
    return {
      groupId,
      peerId: peers.gcp.peerId,
      peering: { providerName: "GCP", containerId, gcpProjectId, networkName },
      ...extra,
    };
  }
  return { groupId, peerId: peers.aws.peerId, peering: awsPeering("10.9.0.0/21"), ...extra };
}

function awsPeering(routeTableCidrBlock: string) {
  return demoAwsPeering(sim, routeTableCidrBlock);
}

async function settle(id: string) {
  for (let i = 0; i < 300; i++) {
    const view = (await (
      await fetch(`${local.gatewayUrl}/v1/peering-changes/${id}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
    ).json()) as { state: string };
    if (["SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "CANCELLED"].includes(view.state)) return view;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`change ${id} did not settle`);
}

describe("the change API over real sockets (dynalite behind it)", () => {
  it("lets exactly one of many concurrent changes to one peering through; the others get 409 naming it", async () => {
    const responses = await Promise.all(Array.from({ length: 12 }, () => post(change("aws"))));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(11);
    const winner = responses.find((r) => r.status === 202)?.headers.get("x-change-request-id");
    const conflicts = await Promise.all(
      responses.filter((r) => r.status === 409).map((r) => r.json() as Promise<{ changeRequestId: string }>),
    );
    expect(new Set(conflicts.map((c) => c.changeRequestId))).toEqual(new Set([winner]));
    expect(sim.requests.filter((r) => r.method === "PATCH" && r.authenticated)).toHaveLength(1);
    await settle(winner ?? "");
  });

  it("answers a repeated Idempotency-Key with the original change and no second PATCH; another body gets 422", async () => {
    const patchesBefore = sim.requests.filter((r) => r.method === "PATCH").length;
    const first = await post(change("aws", { peering: awsPeering("10.11.0.0/21") }), {
      "idempotency-key": "release-2026-11-28",
    });
    const again = await post(change("aws", { peering: awsPeering("10.11.0.0/21") }), {
      "idempotency-key": "release-2026-11-28",
    });
    const firstBody = (await first.json()) as { id: string };
    expect(first.status).toBe(202);
    expect(((await again.json()) as { id: string }).id).toBe(firstBody.id);
    expect(sim.requests.filter((r) => r.method === "PATCH").length - patchesBefore).toBeLessThanOrEqual(2); // probe + PATCH
    const other = await post(change("gcp", { reason: "different" }), {
      "idempotency-key": "release-2026-11-28",
    });
    expect(other.status).toBe(422);
    await settle(firstBody.id);
  });

  it("applies a re-check delivered many times at once exactly once (conditional writes in dynalite)", async () => {
    const waiting = await startLocalStack({
      atlas: { baseUrl: sim.url, publicKey: DEMO_PUBLIC_KEY, privateKey: DEMO_PRIVATE_KEY },
      devToken: TOKEN,
      cadence: { recheckDelayMs: 600_000, humanWaitMaxMs: 600_000 },
      sweepEveryMs: 600_000,
      logLevel: "SILENT",
    });
    try {
      const response = await fetch(`${waiting.gatewayUrl}/v1/peering-changes`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify(change("aws", { peering: awsPeering("10.12.0.0/21") })),
      });
      const { id } = (await response.json()) as { id: string };
      const before = await waiting.deps.store.get(id);
      // As Scheduler (or a retry) would deliver it: the recheck function's own input, to several containers.
      const event = { changeId: id, attempt: before?.attempt ?? -1 };
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, () => waiting.functions.recheck.invoke(event)),
      );
      expect(waiting.functions.recheck.coldStarts).toBe(8);
      expect(outcomes.filter((o) => o.kind === "checked")).toHaveLength(1);
      const after = await waiting.deps.store.get(id);
      expect(after?.version).toBe((before?.version ?? 0) + 1);
      expect(await waiting.functions.recheck.invoke(event)).toEqual({
        kind: "skipped",
        reason: "stale attempt",
      });
      await fetch(`${waiting.gatewayUrl}/v1/peering-changes/${id}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
    } finally {
      await waiting.close();
    }
  });

  it("refuses a callback URL outside the caller's allowlist with 422, before anything is recorded", async () => {
    const response = await post(change("aws", { callbackUrl: "https://169.254.169.254/latest/meta-data" }));
    expect(response.status).toBe(422);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/callbackUrl refused/);
  });

  it("delivers signed callbacks to an allowed receiver: waiting for the user, then succeeded", async () => {
    const received: Array<{ headers: IncomingMessage["headers"]; body: string }> = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const response = await post(change("aws", { peering: awsPeering("10.13.0.0/21"), callbackUrl: url }));
      const { id } = (await response.json()) as { id: string };
      await settle(id);
      // Callbacks go out just after the state is stored: wait for the second one rather than race it.
      await vi.waitFor(() => expect(received).toHaveLength(2), { timeout: 5_000 });
      const secret = (await local.deps.callers.registry()).callers[0]?.callbackSecret ?? "";
      const payloads = received.map(
        (m) =>
          new Webhook(secret).verify(m.body, m.headers as Record<string, string>) as {
            data: { state: string };
          },
      );
      expect(payloads.map((p) => p.data.state)).toEqual(["WAITING_FOR_USER", "SUCCEEDED"]);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it("is followed by the CLI: submit --wait exits 0 on SUCCEEDED and shows the live status", async () => {
    const out: string[] = [];
    const { groupId, peers } = sim.demo;
    const { accepterRegionName, awsAccountId, containerId, vpcId } = peers.aws;
    const argv = [
      "submit",
      "--url",
      local.gatewayUrl,
      "--group",
      groupId,
      "--peer",
      peers.aws.peerId,
      "--container",
      containerId,
      "--vpc",
      vpcId,
      "--account",
      awsAccountId,
      "--region",
      accepterRegionName,
      "--cidr",
      "10.10.0.0/21",
      "--wait",
      "--interval",
      "0.1",
    ];
    const code = await main(argv, {
      stdout: (s) => out.push(s),
      stderr: (s) => out.push(s),
      isTTY: false,
      env: { GATEWAY_TOKEN: TOKEN },
    });
    const text = out.join("");
    expect(code).toBe(0);
    expect(text).toMatch(/WAITING_FOR_USER/);
    expect(text).toMatch(/SUCCEEDED/);
    expect(text).not.toContain(TOKEN);
  });
});
