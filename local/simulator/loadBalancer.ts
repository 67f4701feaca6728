import type { ServerResponse } from "node:http";
import type { LoadBalancerStatus, StatusFaultSpec } from "./faults.js";

/**
 * What the load balancer in front of Atlas answers when Atlas behind it fails (502) or is too slow (504): a
 * short HTML page, the shape nginx and AWS load balancers send. Nothing of Atlas is in it — no JSON error body,
 * no `RateLimit-*` headers, no envelope — so a client that parses every error as JSON is caught out, as it
 * would be in production.
 */

const REASONS: Readonly<Record<LoadBalancerStatus, string>> = {
  502: "Bad Gateway",
  504: "Gateway Time-out",
};

/** Whether a status fault is answered by the load balancer rather than by Atlas. */
export function isLoadBalancerFault(
  spec: StatusFaultSpec | undefined,
): spec is StatusFaultSpec & { status: LoadBalancerStatus } {
  return spec?.status === 502 || spec?.status === 504;
}

/** The HTML page a load balancer answers `status` with. */
export function loadBalancerPage(status: LoadBalancerStatus): string {
  const title = `${status} ${REASONS[status]}`;
  return [
    "<html>",
    `<head><title>${title}</title></head>`,
    "<body>",
    `<center><h1>${title}</h1></center>`,
    "</body>",
    "</html>",
    "",
  ].join("\r\n");
}

/** Writes the load balancer's answer; the connection stays usable, as a keep-alive one would. */
export function sendLoadBalancerError(res: ServerResponse, status: LoadBalancerStatus): void {
  if (res.headersSent || res.destroyed) return;
  const page = loadBalancerPage(status);
  res.writeHead(status, {
    "Content-Type": "text/html",
    "Content-Length": String(Buffer.byteLength(page)),
  });
  res.end(page);
}
