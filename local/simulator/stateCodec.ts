import * as z from "zod/mini";
import type { ContainerRecord } from "./containers.js";
import type { PeerRecord } from "./peers.js";
import { ERROR_STATE_NAMES, PROVIDERS } from "./progression.js";

/**
 * The simulator's kept state as JSON: the peers (settings, where their progression stands, forced states) and
 * the containers. A file is read back only when every record has the exact shape written, so a hand-edited or
 * half-understood file is refused as a whole instead of half-applied.
 */

/** Bumped when the shape changes; a file of another version is not read. */
export const STATE_VERSION = 1;

/** What is kept. */
export interface SimulatorState {
  peers: readonly PeerRecord[];
  containers: readonly ContainerRecord[];
}

const id = z.string().check(z.regex(/^[a-f0-9]{24}$/));
const provider = z.enum(PROVIDERS);
const nullableText = z.nullable(z.string());

const peerSchema = z.strictObject({
  id,
  groupId: id,
  provider,
  settings: z.record(z.string(), nullableText),
  progression: z.strictObject({
    startIndex: z.number().check(z.int(), z.nonnegative()),
    since: z.number(),
  }),
  connectionId: nullableText,
  pendingConnectionId: nullableText,
  failure: z.nullable(z.enum(ERROR_STATE_NAMES)),
  terminating: z.boolean(),
  frozenAt: z.nullable(z.number()),
});

const containerSchema = z.strictObject({
  id,
  groupId: id,
  provider,
  fields: z.record(z.string(), z.union([nullableText, z.boolean(), z.array(z.string())])),
});

const stateSchema = z.strictObject({
  version: z.literal(STATE_VERSION),
  peers: z.array(peerSchema),
  containers: z.array(containerSchema),
});

/** The JSON text of `state`. */
export function encodeState(state: SimulatorState): string {
  return `${JSON.stringify({ version: STATE_VERSION, peers: state.peers, containers: state.containers }, null, 2)}\n`;
}

/** The state in `text`, or why it cannot be used. */
export function decodeState(text: string): SimulatorState | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  const result = z.safeParse(stateSchema, parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    return `unexpected content at ${issue?.path.join(".") || "the top"}: ${issue?.message ?? "invalid"}`;
  }
  return { peers: result.data.peers, containers: result.data.containers };
}

/**
 * `current` with each record replaced by the kept one of the same id, project and provider. A kept record
 * the demo no longer has is dropped and a new demo record is kept as it is, so a file from an older demo
 * still loads.
 */
export function mergeKept<T extends { id: string; groupId: string; provider: string }>(
  current: readonly T[],
  kept: readonly T[],
): T[] {
  return current.map(
    (record) =>
      kept.find(
        (k) => k.id === record.id && k.groupId === record.groupId && k.provider === record.provider,
      ) ?? record,
  );
}
