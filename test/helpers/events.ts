import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { signRequest } from "../../src/access/signature.js";

export interface EventInput {
  method: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
}

let counter = 0;

/** An API Gateway HTTP API (payload v2) event like the real one, for handler tests. */
export function apiEvent(input: EventInput): APIGatewayProxyEventV2 {
  counter += 1;
  const event: APIGatewayProxyEventV2 = {
    version: "2.0",
    routeKey: "$default",
    rawPath: input.path,
    rawQueryString: input.query ?? "",
    headers: { "content-type": "application/json", ...input.headers },
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "gw.example.com",
      domainPrefix: "gw",
      http: {
        method: input.method,
        path: input.path,
        protocol: "HTTP/1.1",
        sourceIp: "10.0.0.1",
        userAgent: "test",
      },
      requestId: `req-${counter}`,
      routeKey: "$default",
      stage: "$default",
      time: "28/Nov/2026:12:00:00 +0000",
      timeEpoch: 1_764_331_200_000,
    },
    isBase64Encoded: input.base64 ?? false,
  };
  if (input.body !== undefined) {
    event.body = input.base64 ? Buffer.from(input.body).toString("base64") : input.body;
  }
  return event;
}

/** Headers for a signed request over exactly these parts. */
export function signedHeaders(
  callerId: string,
  secret: string,
  parts: { method: string; pathWithQuery: string; body: string; timestamp: number },
): Record<string, string> {
  const timestamp = String(parts.timestamp);
  return {
    "x-gateway-caller": callerId,
    "x-gateway-timestamp": timestamp,
    "x-gateway-signature": signRequest(secret, { ...parts, timestamp }),
  };
}

export const lambdaContext = { getRemainingTimeInMillis: () => 20_000 };
