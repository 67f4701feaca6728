import type { Provider } from "../domain/peering/providers/provider.js";
import type { ListedPeer } from "../domain/policy/overlap.js";
import type { AtlasCredentials } from "../ports/AtlasCredentialSource.js";
import type { AtlasAnswer } from "../ports/AtlasPeeringApi.js";
import type { AtlasCallDeps } from "./atlasCall.js";

/**
 * The Atlas reads the overlap check needs: the project's peers of each provider that has peer CIDRs (Atlas
 * lists one provider per request, AWS when none is named) and the peer's network container. Each is an
 * ordinary GET through the Atlas client, so it draws from the shared Atlas rate budget. A read that fails
 * (Atlas 5xx, unreachable, the budget empty) does not block the change: it is named in `warnings`, and Atlas
 * judges the PATCH itself.
 */

/** The largest page Atlas serves, and how many pages are read at most (a project has far fewer peers). */
const PAGE_SIZE = 500;
const MAX_PAGES = 2;
/** The longest the reads may hold up the change (the Slack path has 2.5 s in all), and the least worth starting. */
const READ_MS = 2_000;
const MIN_LEFT_MS = 500;

export interface OverlapTargets {
  peers: Partial<Record<Provider, ListedPeer[]>>;
  container?: { id: string; atlasCidrBlock?: string };
  warnings: string[];
  /** Atlas requests made (for the plan and the tests: each one costs the rate budget). */
  calls: number;
}

/** Reads the peers of `providers` and the container `containerId` of project `groupId`, in parallel. */
export async function readOverlapTargets(
  groupId: string,
  containerId: string | undefined,
  providers: readonly Provider[],
  deps: AtlasCallDeps,
  deadline: number,
): Promise<OverlapTargets> {
  const targets: OverlapTargets = { peers: {}, warnings: [], calls: 0 };
  const until = Math.min(deadline, deps.now() + READ_MS);
  if (until - deps.now() < MIN_LEFT_MS) {
    targets.warnings.push(unchecked("there was no time left to read the project's peers and container"));
    return targets;
  }
  let keys: AtlasCredentials;
  try {
    keys = await deps.credentials.credentialsFor(groupId);
  } catch (error) {
    targets.warnings.push(unchecked(`the Atlas keys could not be read (${(error as Error).message})`));
    return targets;
  }
  const count = (answer: AtlasAnswer) => {
    targets.calls += 1;
    deps.metrics?.atlasCall({
      operation: "GET",
      status: answer.status,
      latencyMs: answer.latencyMs,
      attempts: answer.attempts,
    });
    return answer;
  };
  await Promise.all([
    ...providers.map((provider) => readPeers(groupId, provider, keys, deps, until, count, targets)),
    containerId === undefined
      ? Promise.resolve()
      : readContainer(groupId, containerId, keys, deps, until, count, targets),
  ]);
  return targets;
}

async function readPeers(
  groupId: string,
  provider: Provider,
  keys: AtlasCredentials,
  deps: AtlasCallDeps,
  deadline: number,
  count: (answer: AtlasAnswer) => AtlasAnswer,
  targets: OverlapTargets,
): Promise<void> {
  const listed: ListedPeer[] = [];
  for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum += 1) {
    const query = { providerName: provider, itemsPerPage: PAGE_SIZE, pageNum };
    const page = await deps.atlas
      .listPeers(keys, { groupId, apiVersion: "v2", query }, { deadline })
      .then(count, (error: Error) => error);
    const results = page instanceof Error ? undefined : pageResults(page);
    if (results === undefined) {
      const why = page instanceof Error ? page.message : `Atlas answered ${page.status}`;
      targets.warnings.push(unchecked(`the project's ${provider} peers could not be listed (${why})`));
      return;
    }
    listed.push(...results.peers);
    if (results.peers.length < PAGE_SIZE) break;
    if (pageNum === MAX_PAGES && results.total > listed.length) {
      targets.warnings.push(
        `only the first ${listed.length} of the project's ${results.total} ${provider} peers were checked for overlaps`,
      );
    }
  }
  targets.peers[provider] = listed;
}

async function readContainer(
  groupId: string,
  containerId: string,
  keys: AtlasCredentials,
  deps: AtlasCallDeps,
  deadline: number,
  count: (answer: AtlasAnswer) => AtlasAnswer,
  targets: OverlapTargets,
): Promise<void> {
  const answer = await deps.atlas
    .getContainer(keys, { groupId, containerId, apiVersion: "v2" }, { deadline })
    .then(count, (error: Error) => error);
  const body = answer instanceof Error || answer.status !== 200 ? undefined : objectOf(answer.body);
  if (body === undefined) {
    const why = answer instanceof Error ? answer.message : `Atlas answered ${answer.status}`;
    targets.warnings.push(unchecked(`the Atlas container ${containerId} could not be read (${why})`));
    return;
  }
  const cidr = body.atlasCidrBlock;
  targets.container = { id: containerId, ...(typeof cidr === "string" ? { atlasCidrBlock: cidr } : {}) };
}

/** A page of Atlas's list: its peers and `totalCount`; undefined for an error or a body that is no page. */
function pageResults(answer: AtlasAnswer): { peers: ListedPeer[]; total: number } | undefined {
  if (answer.status !== 200) return undefined;
  const body = objectOf(answer.body);
  if (!body || !Array.isArray(body.results)) return undefined;
  const peers = body.results.filter((p): p is ListedPeer => typeof p === "object" && p !== null);
  return { peers, total: typeof body.totalCount === "number" ? body.totalCount : peers.length };
}

function objectOf(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function unchecked(why: string): string {
  return `routeTableCidrBlock was not checked for overlaps: ${why}; Atlas will judge the PATCH`;
}
