import { fail } from "./errors.js";
import { headerValue, type SimRequest } from "./respond.js";

/**
 * Atlas's list pagination, shared by every list route: `pageNum` (from 1), `itemsPerPage` (1–500, default
 * 100) and `includeCount` (default true) as the spec's shared parameters define them, answered as
 * `{links, results, totalCount}`. Clients that read a project page by page (the gateway's drop-in reads)
 * are exercised against the same rules Atlas applies.
 */

/** The spec's `itemsPerPage` default and maximum. */
export const DEFAULT_ITEMS_PER_PAGE = 100;
export const MAX_ITEMS_PER_PAGE = 500;

/** Which page a list request asks for. */
export interface PageRequest {
  pageNum: number;
  itemsPerPage: number;
  includeCount: boolean;
}

/** A list answer; `totalCount` is left out when `includeCount=false`, as Atlas does. */
export interface Page<T> {
  links: { href: string; rel: string }[];
  results: T[];
  totalCount?: number;
}

/**
 * A whole number in [min, max], or the default when absent. Anything else is 400 INVALID_QUERY_PARAMETER:
 * the code is Atlas's for a bad query parameter; that Atlas uses it for these is inferred, not documented.
 */
function integerParam(query: URLSearchParams, name: string, range: [number, number], fallback: number) {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= range[0] && value <= range[1])) fail("INVALID_QUERY_PARAMETER", name);
  return value;
}

function booleanParam(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const lower = raw.toLowerCase();
  if (lower !== "true" && lower !== "false") fail("INVALID_QUERY_PARAMETER", name);
  return lower === "true";
}

/** Reads `pageNum`, `itemsPerPage` and `includeCount` from the query. */
export function parsePage(query: URLSearchParams): PageRequest {
  return {
    pageNum: integerParam(query, "pageNum", [1, 1_000_000], 1),
    itemsPerPage: integerParam(query, "itemsPerPage", [1, MAX_ITEMS_PER_PAGE], DEFAULT_ITEMS_PER_PAGE),
    includeCount: booleanParam(query, "includeCount", true),
  };
}

/** The request's URL with `pageNum` (and `itemsPerPage`) set, as Atlas's own links spell them. */
function pageHref(req: SimRequest, pageNum: number, itemsPerPage: number): string {
  const host = headerValue(req.headers, "host") ?? "localhost";
  const query = new URLSearchParams(req.query);
  query.delete("pageNum");
  query.delete("itemsPerPage");
  const rest = query.toString();
  return `http://${host}${req.path}?pageNum=${pageNum}&itemsPerPage=${itemsPerPage}${rest ? `&${rest}` : ""}`;
}

/**
 * One page of `items`. Links: `self`, plus `previous` and `next` where such a page exists (MongoDB's
 * "Lists" principles for its public APIs). A page past the end is empty, not an error.
 */
export function pageOf<T>(items: readonly T[], req: SimRequest): Page<T> {
  const page = parsePage(req.query);
  const start = (page.pageNum - 1) * page.itemsPerPage;
  const results = items.slice(start, start + page.itemsPerPage);
  const links = [{ href: pageHref(req, page.pageNum, page.itemsPerPage), rel: "self" }];
  if (page.pageNum > 1) {
    links.push({ href: pageHref(req, page.pageNum - 1, page.itemsPerPage), rel: "previous" });
  }
  if (start + page.itemsPerPage < items.length) {
    links.push({ href: pageHref(req, page.pageNum + 1, page.itemsPerPage), rel: "next" });
  }
  return { links, results, ...(page.includeCount ? { totalCount: items.length } : {}) };
}
