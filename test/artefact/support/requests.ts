import { signRequest } from "../../../src/access/signature.js";
import { slackSignature } from "../../../src/channels/slack/signature.js";
import { type ArtefactStack, SIGNING_SECRET, SLACK_SECRET, SLACK_TEAM, TOKEN } from "./artefactStack.js";

/** An answer with its body parsed when it is JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert on their shape.
  body: any;
}

/** Sends one request to the packaged http function through the local API Gateway. */
export async function call(
  stack: ArtefactStack,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${stack.gatewayUrl}${path}`, { method, headers, ...(body ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** The headers of a request signed as caller `artefact-ci` at `timestamp`. */
export function signedHeaders(method: string, path: string, body: string, timestamp: string) {
  return {
    "x-gateway-caller": "artefact-ci",
    "x-gateway-timestamp": timestamp,
    "x-gateway-signature": signRequest(SIGNING_SECRET, { timestamp, method, pathWithQuery: path, body }),
    "content-type": "application/json",
  };
}

/** A signed Slack slash command from the artefact workspace. */
export function slackCommand(stack: ArtefactStack, text: string) {
  const body = new URLSearchParams({
    team_id: SLACK_TEAM,
    team_domain: "acme",
    channel_id: "C0NETWORK1",
    user_id: "U0ALICE001",
    user_name: "alice",
    command: "/atlas-peering",
    text,
    response_url: `${stack.slack.url}/commands/1234/abcd`,
    trigger_id: "1.2.3",
  }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  return call(stack, "POST", "/v1/slack/commands", {
    token: null,
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": slackSignature(SLACK_SECRET, timestamp, body),
    },
  });
}

/** The demo AWS peer's writable fields with another CIDR. */
export function awsPeering(stack: ArtefactStack, routeTableCidrBlock: string) {
  const { accepterRegionName, awsAccountId, containerId, vpcId } = stack.sim.demo.peers.aws;
  return { providerName: "AWS", accepterRegionName, awsAccountId, containerId, vpcId, routeTableCidrBlock };
}

/** The authenticated PATCHes the simulator answered for one peer. */
export function patchesTo(stack: ArtefactStack, peerId: string) {
  return stack.sim.requests.filter((r) => r.method === "PATCH" && r.authenticated && r.path.endsWith(peerId));
}
