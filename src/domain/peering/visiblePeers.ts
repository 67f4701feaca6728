/**
 * Atlas's peer list (`PaginatedContainerPeerView`: `{links, results, totalCount}`) as a caller granted only
 * some peers may see it. Such a caller must learn nothing about the other peers, not even how many there are,
 * so three parts of the page change: `results` keeps the granted peers, `totalCount` (present unless the
 * request said `includeCount=false`) becomes the number of peers kept, and `links` keeps only `self`, since a
 * `next` or `previous` link tells that hidden peers exist beyond the page.
 */
import { parseJson } from "../json.js";

type Json = Record<string, unknown>;

/** Whether `value` is a JSON object (not an array). */
function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The page with only the peers in `peerIds`; undefined when `page` is not a list page (no `results` array). */
function keepPeers(page: Json, peerIds: ReadonlySet<string>): Json | undefined {
  if (!Array.isArray(page.results)) return undefined;
  const results = page.results.filter(
    (peer) => isObject(peer) && typeof peer.id === "string" && peerIds.has(peer.id),
  );
  const kept: Json = { ...page, results };
  if (page.totalCount !== undefined) kept.totalCount = results.length;
  if (Array.isArray(page.links))
    kept.links = page.links.filter((link) => isObject(link) && link.rel === "self");
  return kept;
}

/**
 * Atlas's list body (its text) cut down to the peers in `peerIds`, re-serialised (indented when the request
 * asked for `pretty=true`). An enveloped answer (`envelope=true`) is cut inside the envelope: a list's
 * envelope puts `status` beside `results` (docs/atlas-api.md §2.4), a `content` member is read too in case
 * Atlas wraps lists like single objects. Undefined when the body is not a list: the caller must then not be
 * shown it, since nothing in it could be filtered.
 *
 * @example
 * visiblePeerList('{"results":[{"id":"a"},{"id":"b"}],"totalCount":2}', new Set(["a"]), { pretty: false })
 * // '{"results":[{"id":"a"}],"totalCount":1}'
 */
export function visiblePeerList(
  body: string,
  peerIds: ReadonlySet<string>,
  options: { pretty: boolean },
): string | undefined {
  const parsed = parseJson(body, undefined);
  if (!isObject(parsed)) return undefined;
  const page = isObject(parsed.content) ? keepPeers(parsed.content, peerIds) : keepPeers(parsed, peerIds);
  if (page === undefined) return undefined;
  const visible = isObject(parsed.content) ? { ...parsed, content: page } : page;
  return options.pretty ? JSON.stringify(visible, null, 2) : JSON.stringify(visible);
}
