/**
 * The inventory of a project: every peering Atlas lists, each with the last change the gateway made to it,
 * what a person should do next, and the id Terraform imports it by. Pure: Atlas's lists and the project's
 * changes are read by src/usecases/listPeerings.ts and merged here.
 */
import { type AtlasPeering, findableMatches, terraformImportId } from "../peering/inventory.js";
import { isTerminal, stateForPeer } from "../peering/status.js";
import type { ChangeRecord } from "./ChangeRecord.js";
import { nextAction, nextActionCommands } from "./nextAction.js";

/** The last change the gateway made to a peering: which, where it is, when, and who asked. */
export interface LastChange {
  id: string;
  state: ChangeRecord["state"];
  /** ISO 8601: when it was asked for, and when its state last moved. */
  requestedAt: string;
  updatedAt: string;
  callerId: string;
  channel: ChangeRecord["channel"];
  links: { self: string };
}

/** One peering of the inventory. */
export interface InventoryItem {
  provider: AtlasPeering["provider"];
  peerId: string;
  /** `terraform import mongodbatlas_network_peering.<name> <importId>`. */
  importId: string;
  /** Atlas's status now: AWS `statusName`/`errorStateName`, Azure/GCP `status` and their error field. */
  atlas: AtlasPeering["atlas"];
  settings: AtlasPeering["settings"];
  lastChange?: LastChange;
  /** What a person should do now, when anything: the last change's step, else one read from Atlas's status. */
  nextAction?: string;
  nextActionCommands?: string[];
  /** With `q`: the names of the values that contain it (`connectionId`, `vpcId`, `importId`…). */
  matchedOn?: string[];
}

/**
 * The newest change of each peer, from a project's changes listed newest first (as `ChangeStore.list`
 * answers): the first one seen of each peer wins.
 */
export function lastChangesByPeer(changesNewestFirst: readonly ChangeRecord[]): Map<string, ChangeRecord> {
  const last = new Map<string, ChangeRecord>();
  for (const change of changesNewestFirst) if (!last.has(change.peerId)) last.set(change.peerId, change);
  return last;
}

/**
 * The inventory items of `peerings`, in the order given, each with its last change from `lastChanges`; with
 * `q`, only those one of whose ids contains it (ignoring case), the import id and last change id included.
 */
export function inventoryItems(
  groupId: string,
  peerings: readonly AtlasPeering[],
  lastChanges: ReadonlyMap<string, ChangeRecord>,
  q?: string,
): InventoryItem[] {
  return peerings.flatMap((peering) => {
    const change = lastChanges.get(peering.peerId);
    const importId = terraformImportId(groupId, peering.peerId, peering.provider);
    const matchedOn =
      q === undefined ? undefined : findableMatches(peering, q, { importId, lastChangeId: change?.id });
    if (matchedOn !== undefined && matchedOn.length === 0) return [];
    const step = nextStep(peering, change);
    return [
      {
        provider: peering.provider,
        peerId: peering.peerId,
        importId,
        atlas: peering.atlas,
        settings: peering.settings,
        ...(change === undefined ? {} : { lastChange: lastChangeOf(change) }),
        ...(step.text === undefined ? {} : { nextAction: step.text }),
        ...(step.commands.length === 0 ? {} : { nextActionCommands: step.commands }),
        ...(matchedOn === undefined ? {} : { matchedOn }),
      },
    ];
  });
}

function lastChangeOf(change: ChangeRecord): LastChange {
  return {
    id: change.id,
    state: change.state,
    requestedAt: new Date(change.createdAt).toISOString(),
    updatedAt: new Date(change.updatedAt).toISOString(),
    callerId: change.callerId,
    channel: change.channel,
    links: { self: `/v1/peering-changes/${change.id}` },
  };
}

type Step = { text?: string; commands: string[] };

/**
 * A change still under way says what it waits for (its own next action while a person must act); otherwise
 * Atlas's status does: nothing while AVAILABLE, the provider's step while Atlas waits for the cloud side,
 * what went wrong on a failure, patience while Atlas works.
 */
export function nextStep(peering: AtlasPeering, change: ChangeRecord | undefined): Step {
  if (change !== undefined && !isTerminal(change.state)) return changeStep(change);
  const status = peering.atlas.status ?? "unknown";
  if (status === "DELETING" || status === "TERMINATING") {
    return { text: `Atlas is deleting this peering (${status}): no change can be made to it.`, commands: [] };
  }
  switch (stateForPeer(peering.atlas)) {
    case "SUCCEEDED":
      return { commands: [] };
    case "WAITING_FOR_USER":
      return waitingStep(peering, change);
    case "FAILED":
      return { text: failedText(peering), commands: [] };
    default:
      return {
        text: `Atlas is still setting this peering up (${status}): wait for AVAILABLE, or for a step to take.`,
        commands: [],
      };
  }
}

function changeStep(change: ChangeRecord): Step {
  const follow = `follow it at /v1/peering-changes/${change.id}`;
  if (change.state === "WAITING_FOR_USER")
    return { text: nextAction(change), commands: nextActionCommands(change) };
  if (change.state === "RETRYING") {
    return {
      text: `The gateway is sending change ${change.id} again until Atlas takes it: nothing to do yet (${follow}).`,
      commands: [],
    };
  }
  return {
    text: `Atlas is applying change ${change.id}: nothing to do until it settles (${follow}).`,
    commands: [],
  };
}

/**
 * The provider's step read from Atlas's answer alone, with the container the last change read when it is the
 * peering's (Atlas's CIDR, region); the last change's body is not used: Atlas's settings are the truth now.
 */
function waitingStep(peering: AtlasPeering, change: ChangeRecord | undefined): Step {
  const containerId = peering.settings.containerId;
  const container = change?.container?.id === containerId ? change?.container : undefined;
  const source = {
    provider: peering.provider,
    peerId: peering.peerId,
    desired: "{}",
    atlas: {
      ...peering.atlas,
      peer: peering.settings,
    },
    ...(container === undefined ? {} : { container }),
  };
  return { text: nextAction(source), commands: nextActionCommands(source) };
}

function failedText(peering: AtlasPeering): string {
  const { status, error } = peering.atlas;
  const said = `${status ?? "FAILED"}${error === undefined ? "" : ` (${error})`}`;
  return (
    `Atlas reports ${said}: fix what the error names on the ${peering.provider} side, then send the peering's ` +
    "settings again through the gateway (POST /v1/peering-changes), or delete and recreate the peering."
  );
}
