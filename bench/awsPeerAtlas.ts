import type { Fault, FaultController, FaultSpec } from "../local/simulator/index.js";
import type { RecordedRequest } from "../local/simulator/recorder.js";
import { sleep } from "./invocation.js";
import type { IoRecorder } from "./ioRecorder.js";

/** PATCHes Atlas received for one peer, sorted by what became of them. */
export interface PatchCount {
  /** Every PATCH request for the peer, digest challenges included. */
  sent: number;
  /** First tries without credentials, answered with the digest challenge (401): Atlas reads no body. */
  challenges: number;
  /** Answered with an injected fault (503, enveloped or not): not applied. */
  refused: number;
  /** Authenticated, not refused: Atlas applied them to the peer. The effective PATCHes. */
  applied: number;
  /** Applied, but the answer never reached the gateway (it had given up, or died). */
  answersLost: number;
}

/**
 * Sorts the PATCH requests: `refusedByFaults` is how many the injected status faults consumed (read from the
 * simulator's fault queue, as only Atlas knows which answer a request got when the answer is enveloped). A
 * simulator refusal of its own (4xx) is not applied either. Latency faults delay the answer after the request
 * was read and before it is applied, so a PATCH whose client gave up (status 0 in the log) was still applied.
 */
export function countPatches(requests: readonly RecordedRequest[], refusedByFaults: number): PatchCount {
  const authenticated = requests.filter((r) => r.authenticated);
  const ownRefusals = authenticated.filter((r) => r.status >= 400 && r.status < 500).length;
  return {
    sent: requests.length,
    challenges: requests.filter((r) => !r.authenticated && r.status === 401).length,
    refused: refusedByFaults,
    applied: authenticated.length - refusedByFaults - ownRefusals,
    answersLost: authenticated.filter((r) => r.status === 0).length,
  };
}

/**
 * What Atlas sees and does for the AWS demo peer, the one every change of §6 is on: the PATCHes and GETs it
 * received (read from the I/O recorder, in arrival order), and faults on its PATCHes only, so the other
 * sections' requests never consume them.
 */
export class AwsPeerAtlas {
  constructor(
    readonly awsPath: string,
    readonly io: IoRecorder,
    readonly faults: FaultController,
  ) {}

  /** PATCH requests Atlas received for the AWS demo peer since `mark` (`stack.io.mark()`). */
  patchesSince(mark: number): RecordedRequest[] {
    return this.io.entries
      .slice(mark)
      .map((entry) => entry.request)
      .filter((r): r is RecordedRequest => r?.method === "PATCH" && r.path === this.awsPath);
  }

  /** Atlas GETs of the AWS demo peer since `mark`. */
  getsSince(mark: number): number {
    return this.io.entries
      .slice(mark)
      .filter((entry) => entry.request?.method === "GET" && entry.request.path === this.awsPath).length;
  }

  /** Resolves with the first authenticated PATCH of the AWS peer since `mark` (Atlas has read it). */
  async patchArrived(mark: number, timeoutMs = 10_000): Promise<RecordedRequest> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const arrived = this.patchesSince(mark).find((r) => r.authenticated);
      if (arrived) return arrived;
      if (Date.now() > until) throw new Error("no PATCH reached Atlas");
      await sleep(2);
    }
  }

  /** Waits until every PATCH since `mark` delayed by a `latencyMs` fault has been applied by Atlas. */
  async landed(mark: number, latencyMs: number): Promise<void> {
    const arrivals = this.patchesSince(mark)
      .filter((r) => r.authenticated)
      .map((r) => r.at);
    if (arrivals.length > 0) await sleep(Math.max(...arrivals) + latencyMs + 250 - Date.now());
  }

  /** Queues a fault on PATCHes of the AWS demo peer only (the other sections' requests never match it). */
  inject(spec: { status: 503; count?: number } | { latencyMs: number; count?: number }): Fault {
    const match = { method: "PATCH", path: this.awsPath };
    return this.faults.inject({ ...spec, match } satisfies FaultSpec);
  }

  /** How many requests a status fault answered (its count less what is left of it in the queue). */
  consumed(fault: Fault): number {
    const left = this.faults.list().find((f) => f.id === fault.id)?.remaining ?? 0;
    return (fault.spec.count ?? 1) - (left ?? 0);
  }
}
