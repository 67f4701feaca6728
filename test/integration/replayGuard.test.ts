import { createHash } from "node:crypto";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "../../src/access/authenticate.js";
import { signedRequestKey, signRequest } from "../../src/access/signature.js";
import { ensureChangeTable } from "../../src/adapters/aws/dynamodb/createTable.js";
import { DynamoDbReplayGuard } from "../../src/adapters/aws/dynamodb/DynamoDbReplayGuard.js";
import { slackReplayKey } from "../../src/channels/slack/signature.js";
import { ChangeStoreError } from "../../src/ports/ChangeStore.js";
import { SIGNING_SECRETS, testRegistry } from "../helpers/callers.js";
import { type LocalDynamo, startDynalite } from "./support/dynalite.js";

const TABLE = "replay-guard-test";
const NOW = 1_750_000_000;
const WINDOW = 300;

let dynamo: LocalDynamo;
let guard: DynamoDbReplayGuard;
let requests = 0;

/** The key of a signed request of its own per test, as the HTTP channel builds it. */
function freshKey(): string {
  requests += 1;
  const body = JSON.stringify({ request: requests });
  return signedRequestKey("ci", { timestamp: String(NOW), method: "POST", pathWithQuery: "/v1/x", body });
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureChangeTable(dynamo.client, TABLE);
  guard = new DynamoDbReplayGuard({ client: dynamo.doc, tableName: TABLE });
});

afterAll(async () => {
  await dynamo?.close();
});

describe("DynamoDbReplayGuard", () => {
  it("answers true the first time and false on a replay", async () => {
    const signature = freshKey();
    expect(await guard.firstSeen(signature, NOW + WINDOW, NOW)).toBe(true);
    expect(await guard.firstSeen(signature, NOW + WINDOW, NOW + 1)).toBe(false);
    expect(await guard.firstSeen(signature, NOW + WINDOW, NOW + WINDOW)).toBe(false);
  });

  it("lets exactly one of 20 concurrent requests with one signature through", async () => {
    const signature = freshKey();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => guard.firstSeen(signature, NOW + WINDOW, NOW)),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  it("accepts a signature again once its entry has expired (before any TTL sweep)", async () => {
    const signature = freshKey();
    expect(await guard.firstSeen(signature, NOW + WINDOW, NOW)).toBe(true);
    expect(await guard.firstSeen(signature, NOW + 2 * WINDOW + 1, NOW + WINDOW + 1)).toBe(true);
    expect(await guard.firstSeen(signature, NOW + 2 * WINDOW + 1, NOW + WINDOW + 2)).toBe(false);
  });

  it("still refuses, within the same second, a signature whose expiry is already past", async () => {
    const signature = freshKey();
    expect(await guard.firstSeen(signature, NOW - 10, NOW)).toBe(true);
    expect(await guard.firstSeen(signature, NOW - 10, NOW)).toBe(false);
  });

  it("keeps distinct signatures apart", async () => {
    expect(await guard.firstSeen(freshKey(), NOW + WINDOW, NOW)).toBe(true);
    expect(await guard.firstSeen(freshKey(), NOW + WINDOW, NOW)).toBe(true);
  });

  it("stores only the request key's hash and its expiry, never the key", async () => {
    const signature = freshKey();
    await guard.firstSeen(signature, NOW + WINDOW, NOW);
    const hash = createHash("sha256").update(signature, "utf8").digest("hex");
    const scan = await dynamo.doc.send(new ScanCommand({ TableName: TABLE }));
    const items = scan.Items ?? [];
    const mine = items.find((item) => item.pk === `SIG#${hash}`);
    expect(mine).toEqual({ pk: `SIG#${hash}`, sk: "SIG", expiresAt: NOW + WINDOW });
    expect(JSON.stringify(items)).not.toContain(signature);
  });

  it("holds one entry per signed request, whichever of its signatures (rotation) were sent", async () => {
    const parts = {
      timestamp: String(NOW),
      method: "POST",
      pathWithQuery: "/v1/peering-changes",
      body: "{}",
    };
    const [A, B] = [SIGNING_SECRETS.bot, SIGNING_SECRETS.botNext].map((s) => signRequest(s, parts));
    const seen = [];
    for (const header of [`${A},${B}`, `${B}`, `${A}`, `${B},${A}`]) {
      const headers = {
        "x-gateway-caller": "chatops",
        "x-gateway-timestamp": parts.timestamp,
        "x-gateway-signature": header,
      };
      const request = {
        method: "POST",
        pathWithQuery: parts.pathWithQuery,
        rawBody: Buffer.from("{}"),
        headers,
      };
      const signed = authenticate(request, testRegistry(), {
        nowSeconds: NOW,
        toleranceSeconds: WINDOW,
      }).signed;
      seen.push(await guard.firstSeen(signed?.replayKey ?? "", NOW + WINDOW, NOW));
    }
    expect(seen).toEqual([true, false, false, false]);
    const scan = await dynamo.doc.send(new ScanCommand({ TableName: TABLE }));
    for (const signature of [A, B]) expect(JSON.stringify(scan.Items)).not.toContain(signature?.slice(3));
  });

  it("refuses a Slack delivery seen once, and keeps Slack's keys apart from HTTP ones", async () => {
    const body = "team_id=T0ACME0001&text=update&trigger_id=1.2.3";
    const slack = slackReplayKey("T0ACME0001", String(NOW), body);
    expect(await guard.firstSeen(slack, NOW + WINDOW, NOW)).toBe(true);
    expect(await guard.firstSeen(slackReplayKey("T0ACME0001", String(NOW), body), NOW + WINDOW, NOW)).toBe(
      false,
    );
    const http = signedRequestKey("T0ACME0001", {
      timestamp: String(NOW),
      method: "POST",
      pathWithQuery: "",
      body,
    });
    expect(await guard.firstSeen(http, NOW + WINDOW, NOW)).toBe(true);
  });

  it("turns a DynamoDB failure other than the condition into a ChangeStoreError", async () => {
    const broken = new DynamoDbReplayGuard({ client: dynamo.doc, tableName: "no-such-table" });
    await expect(broken.firstSeen(freshKey(), NOW + WINDOW, NOW)).rejects.toBeInstanceOf(ChangeStoreError);
  });
});
