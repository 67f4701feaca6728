import { type ErrorKind, GatewayError } from "../domain/errors.js";

/**
 * Who asked for a listing and what they asked: a cursor sealed for one scope opens only for the same scope.
 * `query` holds the listing's filters as the caller gave them (absent ones undefined); `limit` is left out on
 * purpose, since changing the page size mid-way is legitimate.
 */
export interface CursorScope {
  /** Which listing made the cursor ("changes", "audit"): one listing's cursor is never another's. */
  listing: string;
  callerId: string;
  query: Readonly<Record<string, string | undefined>>;
}

/**
 * Turns a store's raw position (what `ChangeStore.list` and `AuditLog.list` return as `cursor`) into the opaque
 * cursor a caller is handed, and back. A sealed cursor reveals nothing of the position (ids, times) and opens
 * only for the caller and query it was sealed for, so it can neither be read nor replayed by anyone else.
 */
export interface CursorSealer {
  seal(position: string, scope: CursorScope): Promise<string>;
  /**
   * The position a cursor carries. Throws `InvalidChangeCursorError` (400) when the cursor was not sealed by
   * this gateway for exactly this scope (tampered, truncated, another caller's or another query's).
   */
  open(cursor: string, scope: CursorScope): Promise<string>;
}

/** The key that seals cursors cannot be had: the gateway's setup is wrong (or Secrets Manager is failing). */
export class CursorKeyError extends GatewayError {
  readonly code: string = "cursor-key";
  readonly title: string = "The gateway cannot load its cursor key";

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
