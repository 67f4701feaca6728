import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { DemoAwsPeer } from "../local/simulator/index.js";

/**
 * The events the bench hands the packaged functions, shaped as AWS would send them: the API Gateway HTTP API
 * (payload v2) event for the http function, the EventBridge scheduled event for the sweeper.
 */

export const V2 = "application/vnd.atlas.2023-01-01+json";

/** What a gateway request carries besides its method and path; `token` is the caller's bearer token. */
export interface ApiRequest {
  token: string;
  body?: string;
  contentType?: string;
}

/**
 * An API Gateway HTTP API (payload v2) event, as API Gateway would send it: `pathWithQuery` may carry a query
 * string; the body's content type (and the accepted one) is the Atlas v2 media type unless `contentType` says
 * otherwise.
 */
export function apiGatewayEvent(
  method: string,
  pathWithQuery: string,
  request: ApiRequest,
): APIGatewayProxyEventV2 {
  const now = new Date();
  const [rawPath = pathWithQuery, rawQueryString = ""] = pathWithQuery.split("?", 2);
  const query = Object.fromEntries(new URLSearchParams(rawQueryString));
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    headers: headersOf(request),
    requestContext: {
      accountId: "123456789012",
      apiId: "bench",
      domainName: "gateway.bench.invalid",
      domainPrefix: "gateway",
      http: {
        method,
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: "atlas-peering-gateway-bench",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
    ...(request.body === undefined ? {} : { body: request.body }),
  };
}

/** What API Gateway passes on: the caller's token, the media types, the host and the client. */
function headersOf(request: ApiRequest): Record<string, string> {
  return {
    authorization: `Bearer ${request.token}`,
    ...(request.body === undefined ? {} : { "content-type": request.contentType ?? V2 }),
    accept: request.contentType ?? V2,
    host: "gateway.bench.invalid",
    "user-agent": "atlas-peering-gateway-bench",
  };
}

/** The demo AWS peer's writable fields with `cidr`: a valid v2 drop-in PATCH body. */
export function awsPeerPatchBody(peer: DemoAwsPeer, cidr: string): string {
  return JSON.stringify({
    accepterRegionName: peer.accepterRegionName,
    awsAccountId: peer.awsAccountId,
    containerId: peer.containerId,
    routeTableCidrBlock: cidr,
    vpcId: peer.vpcId,
    providerName: "AWS",
  });
}

/** The EventBridge scheduled event the sweeper's rule sends. */
export function scheduledEvent() {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "123456789012",
    time: new Date().toISOString(),
    region: "eu-west-1",
    resources: ["arn:aws:events:eu-west-1:123456789012:rule/bench-sweeper"],
    detail: {},
  };
}
