/**
 * The AWS Query wire protocol as EC2 and STS speak it: a form-encoded body (`Action=…&Version=…&Param.1=…`)
 * and XML answers. EC2 errors are `<Response><Errors><Error>`, STS errors `<ErrorResponse><Error>`.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** A Query request's parameters, flat as sent (`Filter.1.Value.1`). */
export type QueryParams = ReadonlyMap<string, string>;

export function parseQuery(body: Buffer): QueryParams {
  return new Map(new URLSearchParams(body.toString("utf8")));
}

/** The values of a list parameter `name.1`, `name.2`, … in order. */
export function listParam(params: QueryParams, name: string): string[] {
  const values: string[] = [];
  for (let index = 1; params.has(`${name}.${index}`); index++)
    values.push(params.get(`${name}.${index}`) ?? "");
  return values;
}

/** The `Filter.N.Name` / `Filter.N.Value.M` filters, by name. */
export function filtersOf(params: QueryParams): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (let index = 1; params.has(`Filter.${index}.Name`); index++) {
    filters.set(params.get(`Filter.${index}.Name`) ?? "", listParam(params, `Filter.${index}.Value`));
  }
  return filters;
}

/** An AWS error to answer: its code, message and HTTP status. */
export class QueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The signer's access key id and region, from the SigV4 credential scope (`Credential=<key>/<date>/<region>/…`). */
export function signerOf(req: IncomingMessage): { accessKeyId?: string; region?: string; service?: string } {
  const match = /Credential=([A-Z0-9]+)\/\d{8}\/([a-z0-9-]+)\/([a-z0-9]+)\//i.exec(
    String(req.headers.authorization ?? ""),
  );
  if (!match) return {};
  return { accessKeyId: match[1] ?? "", region: match[2] ?? "", service: match[3] ?? "" };
}

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c] ?? c,
  );
}

/** An XML value: text, a nested element map, a list (rendered as `<item>`s), or nothing (omitted). */
export type Xml = string | number | boolean | undefined | Xml[] | { [element: string]: Xml };

export function toXml(value: Xml): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return value.map((item) => `<item>${toXml(item)}</item>`).join("");
  if (typeof value === "object") {
    return Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .map(([name, inner]) => `<${name}>${toXml(inner)}</${name}>`)
      .join("");
  }
  return escapeXml(String(value));
}

export function sendXml(res: ServerResponse, status: number, xml: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  res.writeHead(status, {
    "content-type": "text/xml;charset=UTF-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

const EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

/** An EC2 answer `<{Action}Response>` with a requestId and the given members. */
export function ec2Answer(action: string, members: { [element: string]: Xml }): string {
  return `<${action}Response xmlns="${EC2_NS}">${toXml({ requestId: randomUUID(), ...members })}</${action}Response>`;
}

export function ec2Error(error: QueryError): string {
  const inner = toXml({
    Errors: { Error: { Code: error.code, Message: error.message } },
    RequestID: randomUUID(),
  });
  return `<Response>${inner}</Response>`;
}

const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";

export function stsAnswer(action: string, result: { [element: string]: Xml }): string {
  const inner = toXml({ [`${action}Result`]: result, ResponseMetadata: { RequestId: randomUUID() } });
  return `<${action}Response xmlns="${STS_NS}">${inner}</${action}Response>`;
}

export function stsError(error: QueryError): string {
  const inner = toXml({
    Error: { Type: "Sender", Code: error.code, Message: error.message },
    RequestId: randomUUID(),
  });
  return `<ErrorResponse xmlns="${STS_NS}">${inner}</ErrorResponse>`;
}
