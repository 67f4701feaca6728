import { parseObject } from "../json.js";
import { providerModule } from "../peering/providers/index.js";
import type { ChangeRecord } from "./ChangeRecord.js";

/**
 * What a next action reads of a change: its provider and body, what Atlas answered (the peer's settings as
 * Atlas returned them, on `atlas.peer`) and, once read, the peer's network container (Atlas's side).
 */
export type NextActionSource = Pick<ChangeRecord, "provider" | "desired" | "atlas"> &
  Partial<Pick<ChangeRecord, "peerId" | "container">>;

/**
 * What a person must do on the cloud side while Atlas waits (PENDING_ACCEPTANCE / WAITING_FOR_USER), in words
 * a platform engineer can act on: the text of the change's provider module, from Atlas's answer and the
 * container, falling back to the change's body and then to a description of the value where neither is known.
 */
export function nextAction(change: NextActionSource): string {
  const provider = providerModule(change.provider as unknown);
  return provider ? provider.nextAction(inputOf(change), desiredOf(change)) : UNKNOWN_PROVIDER;
}

/** The same step as commands to paste (`<…>` marks what only the user knows); none for an unknown provider. */
export function nextActionCommands(change: NextActionSource): string[] {
  const provider = providerModule(change.provider as unknown);
  return provider ? provider.nextCommands(inputOf(change), desiredOf(change)) : [];
}

function inputOf(change: NextActionSource) {
  return {
    atlas: change.atlas,
    ...(change.peerId === undefined ? {} : { peerId: change.peerId }),
    ...(change.container === undefined ? {} : { container: change.container }),
  };
}

function desiredOf(change: NextActionSource): Record<string, string | undefined> {
  return desiredSettings(change.desired);
}

/** The text settings of a stored desired body: the caller's JSON, which next actions and remediations quote. */
export function desiredSettings(desired: string): Record<string, string | undefined> {
  const body = parseObject(desired);
  return Object.fromEntries(Object.entries(body).filter(([, value]) => typeof value === "string")) as Record<
    string,
    string
  >;
}

/** A provider read back from a store is not re-checked; one no module knows gets the general step. */
const UNKNOWN_PROVIDER = "Complete the peering on the cloud side, then wait for Atlas to report AVAILABLE.";
