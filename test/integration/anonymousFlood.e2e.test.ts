import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AtlasSimulator } from "../../local/simulator/index.js";
import { type LocalStack, startLocalStack } from "../../local/stack.js";
import { newDocumentClient } from "../../src/wiring/loaders/dynamodb.js";
import { stackOptions, startFastSimulator } from "./support/gatewayE2e.js";

const TOKEN = "e2e-token-anonymous-flood-1b2c";

let sim: AtlasSimulator;
let local: LocalStack;

beforeAll(async () => {
  sim = await startFastSimulator();
  local = await startLocalStack(stackOptions(sim, { devToken: TOKEN }));
});
afterAll(async () => {
  await local?.close();
  await sim?.close();
});

/** Every audit item in the table (scanned, so nothing depends on the audit route's own filters). */
async function auditItems(): Promise<number> {
  const doc = newDocumentClient({
    endpoint: local.cloud.dynamodb.url,
    region: local.cloud.region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: local.cloud.names.table, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    count += (page.Items ?? []).filter((item) => String(item.pk).startsWith("AUDIT")).length;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

describe("a flood of anonymous requests", () => {
  it("gets 401s and leaves the audit trail as it was: 50 requests, no record", async () => {
    const { groupId, peers } = sim.demo;
    const url = `${local.gatewayUrl}/api/atlas/v2/groups/${groupId}/peers/${peers.aws.peerId}`;
    const before = await auditItems();
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(url, {
          method: "PATCH",
          headers: { "content-type": "application/json", ...(i % 2 ? { authorization: "Bearer nope" } : {}) },
          body: JSON.stringify({ vpcId: "vpc-0123456789abcdef0", n: i }),
        }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        }),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(await auditItems()).toBe(before);
    expect(sim.requests).toEqual([]);
  });
});
