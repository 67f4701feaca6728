/**
 * The problem answers of the OpenAPI document (`components.responses`), each status once in each shape: RFC 9457
 * `application/problem+json` on the gateway's own paths, Atlas-shaped `application/json` on Atlas's.
 */
import * as examples from "./examples.js";

export type Json = Record<string, unknown>;
type Examples = Record<string, { summary: string; value: unknown }>;

export const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
export const header = (id: string) => ({ $ref: `#/components/headers/${id}` });
export const content = (mediaType: string, schema: string, ex?: Examples): Json => ({
  [mediaType]: { schema: ref(schema), ...(ex ? { examples: ex } : {}) },
});

const PROBLEM_TITLES: Record<number, string> = {
  400: "The request is not valid: every broken rule is listed",
  401: "Not authenticated (no, or a wrong, token or signature)",
  403: "The caller is not granted this project or peer",
  404: "No such change (or route)",
  405: "The method is not served on this path",
  409: "Another change holds the peering, the change cannot be changed now, or the CIDR overlaps another peer's or Atlas's (OVERLAPPING_CIDR_BLOCK, OVERLAPPING_ATLAS_CIDR_BLOCK)",
  413: "The body is larger than the limit",
  415: "The body is not declared JSON",
  422: "The gateway refuses the change (outside the project policy, a callback host not on the allowlist…)",
  429: "Too many requests or changes; see Retry-After",
  500: "The gateway is misconfigured or failed unexpectedly",
  502: "Atlas refused the gateway's own keys, or answered unusably",
  503: "A dependency (store, secrets, Atlas) is unavailable; try again",
  504: "Atlas did not answer in time",
};

/** The problems an operation may answer, by reference; Atlas-shaped (application/json) on the Atlas paths. */
export function problems(statuses: number[], atlas = false): Json {
  const prefix = atlas ? "AtlasProblem" : "Problem";
  return Object.fromEntries(
    statuses.map((status) => [String(status), { $ref: `#/components/responses/${prefix}${status}` }]),
  );
}

/** `components.responses`: each problem status once, in both shapes. */
export function problemResponses(): Json {
  return Object.fromEntries(
    Object.entries(PROBLEM_TITLES).flatMap(([status, description]) => {
      // The examples are of a 400 (every broken rule at once): shown there only.
      const withExamples = status === "400";
      const plain = content(
        "application/problem+json",
        "Problem",
        withExamples ? examples.problemExamples : undefined,
      );
      // On the Atlas paths a 4xx may also be Atlas's own error, passed through unchanged.
      const atlas = {
        "application/json": {
          schema: { anyOf: [ref("AtlasProblem"), ref("AtlasError")] },
          ...(withExamples ? { examples: examples.atlasProblemExamples } : {}),
        },
      };
      const headers: Json = { "X-Request-Id": header("XRequestId") };
      if (status === "401") headers["WWW-Authenticate"] = header("WWWAuthenticate");
      if (status === "429") headers["Retry-After"] = header("RetryAfter");
      return [
        [`Problem${status}`, { description, headers, content: plain }],
        [`AtlasProblem${status}`, { description, headers, content: atlas }],
      ];
    }),
  );
}
