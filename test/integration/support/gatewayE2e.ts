import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type AtlasSimulator,
  DEMO_PRIVATE_KEY,
  DEMO_PUBLIC_KEY,
  type RecordedRequest,
  type SimulatorOptions,
  startAtlasSimulator,
} from "../../../local/simulator/index.js";
import type { LocalStackOptions } from "../../../local/stack.js";
import { slackSignature } from "../../../src/channels/slack/signature.js";
import type { ChangeView } from "../../../src/domain/change/view.js";

/**
 * Shared plumbing of the end-to-end tests that drive the local stack over real sockets: a fast simulator,
 * stack options in front of it, polling with a deadline, a Slack `response_url` receiver, signed Slack
 * commands, and a transcript of every answer so a test can search them for secrets.
 */

export const FAST_CADENCE = { recheckDelayMs: 150, humanWaitMaxMs: 400 };
const TERMINAL = new Set(["SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "CANCELLED"]);

/** A simulator that moves a peer one status every 200 ms. */
export function startFastSimulator(options: SimulatorOptions = {}): Promise<AtlasSimulator> {
  return startAtlasSimulator({ stepMs: 200, ...options });
}

/** Local stack options in front of `sim`: fast cadence and sweeper, silent logs. */
export function stackOptions(sim: AtlasSimulator, extra: LocalStackOptions = {}): LocalStackOptions {
  return {
    atlas: { baseUrl: sim.url, publicKey: DEMO_PUBLIC_KEY, privateKey: DEMO_PRIVATE_KEY },
    cadence: FAST_CADENCE,
    sweepEveryMs: 500,
    logLevel: "SILENT",
    ...extra,
  };
}

/** Reads until `done` holds or `ms` passed; returns the last value read (the test asserts on it). */
export async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

/** The authenticated PATCHes the simulator answered for one peer. */
export function patchesTo(sim: AtlasSimulator, peerId: string): RecordedRequest[] {
  return sim.requests.filter((r) => r.method === "PATCH" && r.authenticated && r.path.endsWith(peerId));
}

/** The demo AWS peer's writable fields with another CIDR. */
export function awsPeering(sim: AtlasSimulator, routeTableCidrBlock: string) {
  const { accepterRegionName, awsAccountId, containerId, vpcId } = sim.demo.peers.aws;
  return { accepterRegionName, awsAccountId, containerId, vpcId, routeTableCidrBlock };
}

/**
 * The local stack's AWS peer in the account where the gateway holds no role: a change to it waits for a
 * person (the demo AWS peer's account is configured for acceptance, so the gateway accepts there itself).
 */
export function otherAccountPeer(sim: AtlasSimulator) {
  const peer = sim.demo.awsOtherAccount;
  if (!peer) throw new Error("expected the local stack's AWS peer in another account");
  return peer;
}

/** That peer's writable fields with another CIDR. */
export function otherAccountPeering(sim: AtlasSimulator, routeTableCidrBlock: string) {
  const { accepterRegionName, awsAccountId, containerId, vpcId } = otherAccountPeer(sim);
  return { accepterRegionName, awsAccountId, containerId, vpcId, routeTableCidrBlock };
}

/** Every answer a test received (status, headers, body), kept for secret searches. */
export class Transcript {
  readonly texts: string[] = [];

  /** Fetches, records the answer, and returns it with its body parsed when it is JSON. */
  async fetch(url: string, init: RequestInit = {}) {
    const response = await fetch(url, init);
    const text = await response.text();
    this.texts.push(`${response.status} ${JSON.stringify([...response.headers])}\n${text}`);
    return { status: response.status, headers: response.headers, text, body: parseJson(text) };
  }
}

// biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert on their shape.
function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The change API of a local stack, with one bearer token. */
export function changeApi(gatewayUrl: string, token: string, transcript: Transcript) {
  const auth = { authorization: `Bearer ${token}` };
  const get = async (id: string) =>
    (await transcript.fetch(`${gatewayUrl}/v1/peering-changes/${id}`, { headers: auth })).body as ChangeView;
  return {
    submit: (body: object) =>
      transcript.fetch(`${gatewayUrl}/v1/peering-changes`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    get,
    /** The change once it reached a terminal state (or as it was at the deadline). */
    settled: (id: string) =>
      until(
        () => get(id),
        (c) => TERMINAL.has(c.state),
      ),
  };
}

/** A local stand-in for Slack's `response_url` endpoint: records each JSON POST it receives. */
export async function startSlackReceiver() {
  // biome-ignore lint/suspicious/noExplicitAny: Slack messages are asserted on loosely.
  const posts: Array<{ path: string; message: any }> = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      posts.push({ path: req.url ?? "", message: parseJson(body) });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { url, posts, close };
}

/** A slash command's form fields; `text` and `team_id` are what tests vary. */
export function slashCommand(fields: { text: string; team_id: string; response_url: string }) {
  return new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: fields.team_id,
    team_domain: "acme",
    channel_id: "C0NETWORK1",
    channel_name: "network",
    user_id: "U0ALICE001",
    user_name: "alice",
    command: "/atlas-peering",
    text: fields.text,
    response_url: fields.response_url,
    trigger_id: "1234.5678.abcdef",
  }).toString();
}

/** Posts a slash command signed with `secret` at `timestamp` (now by default); returns the signature used. */
export async function postSlack(
  gatewayUrl: string,
  transcript: Transcript,
  command: { secret: string; body: string; timestamp?: string },
) {
  const timestamp = command.timestamp ?? String(Math.floor(Date.now() / 1000));
  const signature = slackSignature(command.secret, timestamp, command.body);
  const started = Date.now();
  const answer = await transcript.fetch(`${gatewayUrl}/v1/slack/commands`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": signature,
    },
    body: command.body,
  });
  return { ...answer, signature, elapsedMs: Date.now() - started };
}

/** All the text a Slack message shows: its fallback text and every block's text and fields. */
export function slackText(message: { text?: string; blocks?: unknown[] } | undefined): string {
  return [message?.text ?? "", JSON.stringify(message?.blocks ?? [])].join("\n");
}
