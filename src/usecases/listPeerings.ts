import { authorizeProjectRead, scopeIncludes } from "../access/policy.js";
import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { type InventoryItem, inventoryItems, lastChangesByPeer } from "../domain/change/inventory.js";
import { GatewayError } from "../domain/errors.js";
import { parseJson } from "../domain/json.js";
import { type AtlasPeering, peeringPage } from "../domain/peering/inventory.js";
import type { InventoryQuery } from "../domain/peering/inventoryQuery.js";
import { PROVIDERS, type Provider } from "../domain/peering/settings.js";
import { type AtlasErrorBody, parseAtlasErrorBody } from "../ports/AtlasPeeringApi.js";
import { AtlasBudgetEmptyError } from "../ports/AtlasRateBudget.js";
import { audit, readAuditFields } from "./audit.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import {
  listWithFreshKeys,
  PeerListUnreadableError,
  type PeerReadRequest,
  type ReadDeps,
} from "./readPeers.js";

/**
 * `GET /v1/peerings`: every peering of a project across AWS, AZURE and GCP (Atlas lists one provider per
 * request, a page at a time), each with its last change through the gateway and what to do next. The three
 * lists and the project's changes are read at once; each provider's pages one after another, bounded. A
 * provider whose list cannot be read is reported by name beside the others' peerings, never failing them.
 * Audited once, like every read; a caller granted only some peers sees those.
 */

/** Atlas's largest page, and how many pages of one provider are read at most (2,000 peerings). */
const PAGE_SIZE = 500;
const MAX_PAGES_PER_PROVIDER = 4;
/** The project's newest changes read for last changes (one `ChangeStore.list` query, paged). */
const CHANGES_PAGE_SIZE = 100;
const MAX_CHANGE_PAGES = 5;

/** A provider's list that could not be read: Atlas's refusal, or the gateway's failure to get an answer. */
export type ProviderReadFailure =
  | { provider: Provider; atlas: { status: number } & Pick<AtlasErrorBody, "errorCode" | "detail"> }
  | { provider: Provider; error: Error };

export interface PeeringInventory {
  groupId: string;
  items: InventoryItem[];
  failures: ProviderReadFailure[];
  /** A provider had more peerings than are read (see {@link MAX_PAGES_PER_PROVIDER}). */
  truncated: boolean;
}

interface ProviderRead {
  peerings: AtlasPeering[];
  failure?: ProviderReadFailure;
  truncated: boolean;
}

export type InventoryDeps = ReadDeps & Pick<ChangeDeps, "store">;

/** The project's inventory for `request.caller`; 403 (`ForbiddenError`) without a grant for the project. */
export async function listPeerings(
  query: InventoryQuery,
  request: PeerReadRequest,
  deps: InventoryDeps,
  deadline: number,
): Promise<PeeringInventory> {
  const scope = authorizeProjectRead(request.caller, query.groupId);
  const providers = query.provider === undefined ? PROVIDERS : [query.provider];
  const [reads, changes] = await Promise.all([
    Promise.all(providers.map((provider) => readProvider(deps, query.groupId, provider, deadline))),
    newestChanges(deps, query.groupId),
  ]);
  const failures = reads.flatMap((read) => (read.failure === undefined ? [] : [read.failure]));
  await audit(
    deps,
    readAuditFields(
      { ...request, callerId: request.caller.id, groupId: query.groupId },
      auditOutcome(failures),
    ),
  );
  const visible = reads.flatMap((read) => read.peerings).filter((p) => scopeIncludes(scope, p.peerId));
  return {
    groupId: query.groupId,
    items: inventoryItems(query.groupId, visible, lastChangesByPeer(changes), query.q),
    failures,
    truncated: reads.some((read) => read.truncated),
  };
}

/** Every page of one provider's list, up to the bound; the first failure ends it (the pages read are kept). */
async function readProvider(
  deps: ReadDeps,
  groupId: string,
  provider: Provider,
  deadline: number,
): Promise<ProviderRead> {
  const peerings: AtlasPeering[] = [];
  for (let pageNum = 1; pageNum <= MAX_PAGES_PER_PROVIDER; pageNum++) {
    const page = await readPage(deps, groupId, provider, pageNum, deadline);
    if ("failure" in page) return { peerings, failure: page.failure, truncated: false };
    peerings.push(...page.peerings);
    const seen = (pageNum - 1) * PAGE_SIZE + page.resultCount;
    const more = page.resultCount === PAGE_SIZE && (page.totalCount === undefined || seen < page.totalCount);
    if (!more) return { peerings, truncated: false };
  }
  return { peerings, truncated: true };
}

async function readPage(
  deps: ReadDeps,
  groupId: string,
  provider: Provider,
  pageNum: number,
  deadline: number,
) {
  const call = {
    groupId,
    apiVersion: "v2" as const,
    query: { providerName: provider, pageNum, itemsPerPage: PAGE_SIZE },
  };
  let read: Awaited<ReturnType<typeof listWithFreshKeys>>;
  try {
    read = await withinBudget(deps, deadline, () => listWithFreshKeys(deps, call, deadline));
  } catch (error) {
    // The budget still spent, a store behind the keys failing: still only this provider's list.
    if (error instanceof GatewayError) return { failure: { provider, error } };
    throw error;
  }
  if ("error" in read) return { failure: { provider, error: read.error } };
  const { status, body } = read.answer;
  if (status >= 300) {
    const atlas = parseAtlasErrorBody(body);
    const said = {
      ...(atlas?.errorCode ? { errorCode: atlas.errorCode } : {}),
      ...(atlas?.detail ? { detail: atlas.detail } : {}),
    };
    return { failure: { provider, atlas: { status, ...said } } };
  }
  const page = peeringPage(parseJson(body, undefined), provider);
  if (page === undefined) {
    const error = new PeerListUnreadableError(
      `Atlas answered the ${provider} peer list with a body that is no list.`,
    );
    return { failure: { provider, error } };
  }
  return page;
}

/** Budget refusals waited out per page: the three lists start at once and may find one token between them. */
const MAX_BUDGET_WAITS = 3;

/**
 * `read`, waiting for the shared Atlas budget's next token when it is spent and the token is due before the
 * deadline (a read is asked for now, not scheduled like a change); else the refusal is the provider's failure.
 */
async function withinBudget<T>(deps: Pick<ReadDeps, "now">, deadline: number, read: () => Promise<T>) {
  for (let waits = 0; ; waits++) {
    try {
      return await read();
    } catch (error) {
      const due = error instanceof AtlasBudgetEmptyError ? error.retryAtMs : Number.POSITIVE_INFINITY;
      if (waits >= MAX_BUDGET_WAITS || due >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - deps.now())));
    }
  }
}

/** The project's newest changes, newest first: one query of the store, followed for a few pages. */
async function newestChanges(deps: Pick<ChangeDeps, "store">, groupId: string): Promise<ChangeRecord[]> {
  const changes: ChangeRecord[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_CHANGE_PAGES; page++) {
    const listed = await deps.store.list({
      groupId,
      limit: CHANGES_PAGE_SIZE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    changes.push(...listed.items);
    if (listed.cursor === undefined) break;
    cursor = listed.cursor;
  }
  return changes;
}

/** The read's audit outcome: 200, or which providers could not be read and why. */
function auditOutcome(failures: readonly ProviderReadFailure[]) {
  if (failures.length === 0) return { httpStatus: 200 };
  const why = failures.map((f) =>
    "atlas" in f
      ? `${f.provider} ${f.atlas.status}`
      : `${f.provider} ${f.error instanceof GatewayError ? f.error.code : f.error.name}`,
  );
  return { failure: `unreadable: ${why.join(", ")}` };
}
