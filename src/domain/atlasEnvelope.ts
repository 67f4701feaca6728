import { parseJson } from "./json.js";

/**
 * Atlas's `envelope=true` (docs/atlas-api.md §2.4) is for clients that cannot see status codes: every answer is
 * HTTP 200 and the real status moves into the body, `{"status": <status>, "content": <usual body>}`. The
 * gateway judges an answer by what Atlas meant, so it reads the status out of the envelope whenever the
 * request asked for one; the raw answer is still what a drop-in caller gets back.
 */

/** What Atlas meant: its real status, and its usual body parsed (undefined when it is not JSON). */
export interface AtlasVerdict {
  status: number;
  content: unknown;
}

/**
 * Atlas's real status and body. Only a request sent with `envelope=true` is unwrapped, and only an answer that
 * is an envelope: a digest challenge, a proxy's error page or a bare body are taken at their HTTP status, so
 * a body that merely has a `status` field (Azure and GCP peers do, as a string) is never mistaken for one.
 */
export function atlasVerdict(answer: { status: number; body: string }, enveloped: boolean): AtlasVerdict {
  const parsed = parseJson(answer.body, undefined);
  if (!enveloped || answer.status !== 200) return { status: answer.status, content: parsed };
  const status = envelopeStatus(parsed);
  if (status === undefined) return { status: answer.status, content: parsed };
  return { status, content: (parsed as { content?: unknown }).content };
}

/** The status an envelope carries: an integer HTTP status, or undefined when `body` is no envelope. */
function envelopeStatus(body: unknown): number | undefined {
  if (!body || typeof body !== "object" || Array.isArray(body)) return undefined;
  const status = (body as Record<string, unknown>).status;
  return typeof status === "number" && Number.isInteger(status) && status >= 100 && status <= 599
    ? status
    : undefined;
}
