import type { Invocation } from "../local/lambda/runtime.js";

/**
 * Reading the http function's answers. A check that fails aborts the run: a figure measured on a request the
 * gateway did not accept would mean nothing.
 */

interface GatewayAnswer {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: string;
}

const answerOf = (outcome: Invocation) => outcome.result as GatewayAnswer | undefined;

/** The http function's answer to a PATCH, checked: 200 from Atlas with the peer restarting (INITIATING). */
export function checkedAnswer(label: string, outcome: Invocation): { changeId: string } {
  const result = answerOf(outcome);
  const changeId = result?.headers?.["x-change-request-id"];
  if (outcome.error || result?.statusCode !== 200 || !changeId || !result.body?.includes('"INITIATING"')) {
    throw new Error(`${label}: the PATCH was not accepted: ${JSON.stringify(outcome).slice(0, 600)}`);
  }
  return { changeId };
}

/** The change id of a 2xx answer (any route); anything else aborts the run: the figures would mean nothing. */
export function checkAnswered(label: string, outcome: Invocation): string {
  const result = answerOf(outcome);
  const id = result?.headers?.["x-change-request-id"];
  const status = result?.statusCode ?? 0;
  if (outcome.error || status < 200 || status >= 300 || !id)
    throw new Error(`${label}: not accepted: ${JSON.stringify(outcome).slice(0, 600)}`);
  return id;
}

/** The change id the http function answered with, whatever the status (a 503 while RETRYING, say). */
export function changeIdOf(label: string, outcome: Invocation): string {
  const id = answerOf(outcome)?.headers?.["x-change-request-id"];
  if (outcome.error || !id) throw new Error(`${label}: no change: ${JSON.stringify(outcome).slice(0, 600)}`);
  return id;
}

/** The HTTP status of the http function's answer (0 when it threw). */
export function statusOf(outcome: Invocation | undefined): number {
  return (outcome?.result as { statusCode?: number } | undefined)?.statusCode ?? 0;
}
