import type { Caller } from "../access/callers.js";
import {
  authorizeChange,
  authorizeProjectRead,
  authorizeRead,
  mayRead,
  scopeIncludes,
} from "../access/policy.js";
import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { isLeased, withState } from "../domain/change/lifecycle.js";
import type { ChangeQuery } from "../domain/change/listQuery.js";
import { isTerminal } from "../domain/peering/status.js";
import type { ChangePage } from "../ports/ChangeStore.js";
import type { ChangeDeps } from "./ChangeDeps.js";
import { ChangeBusyError, ChangeEndedError, ChangeNotFoundError, ChangeSendingError } from "./errors.js";
import { sealedPage } from "./listings.js";
import { persistChange } from "./persistChange.js";

/**
 * What a change id can look like (the gateway makes UUIDs; up to 64 letters, digits and dashes). Anything else
 * is answered as an unknown change without reaching the store: a 3 KB id would only make DynamoDB refuse the key.
 */
const CHANGE_ID = /^[A-Za-z0-9-]{1,64}$/;

/** A change the caller may see (its project and peer are in the caller's grants, read-only ones too). */
export async function getChange(
  id: string,
  caller: Caller,
  deps: Pick<ChangeDeps, "store">,
): Promise<ChangeRecord> {
  if (!CHANGE_ID.test(id)) throw new ChangeNotFoundError(id.length > 64 ? `${id.slice(0, 64)}…` : id);
  const change = await deps.store.get(id);
  if (!change || !mayRead(caller, change.groupId, change.peerId)) throw new ChangeNotFoundError(id);
  return change;
}

/**
 * A project's changes, newest first; only the peers the caller may see. A caller with no grant for the project,
 * or asking for a peer outside its grants, gets 403 before the store is asked (an empty 200 would still hand it
 * a cursor). The cursor is sealed to the caller and the filters (see {@link sealedPage}).
 */
export async function listChanges(
  query: ChangeQuery,
  caller: Caller,
  deps: Pick<ChangeDeps, "store" | "cursors">,
): Promise<ChangePage> {
  const scope = authorizeProjectRead(caller, query.groupId);
  if (query.peerId !== undefined) authorizeRead(caller, query.groupId, query.peerId);
  const { groupId, peerId, state } = query;
  const bound = { listing: "changes", callerId: caller.id, query: { groupId, peerId, state } };
  const page = await sealedPage(query.cursor, bound, deps.cursors, (position) => {
    const { cursor: _sent, ...rest } = query;
    return deps.store.list(position === undefined ? rest : { ...rest, cursor: position });
  });
  return { ...page, items: page.items.filter((c) => scopeIncludes(scope, c.peerId)) };
}

/**
 * Stops following a change (CANCELLED). Atlas is not touched: a PATCH already sent stays sent. While a PATCH
 * may be in flight (the change is leased) the cancel is refused: the outcome is not known, and a cancelled
 * change frees the peering for a next change that the late PATCH would then overwrite. A concurrent re-check
 * may win the write; then the cancel is tried again on the fresh record, a few times at most. A caller who may
 * see the change but only read its peer (a read-only grant) gets 403: cancelling is a change.
 */
export async function cancelChange(id: string, caller: Caller, deps: ChangeDeps): Promise<ChangeRecord> {
  for (let tries = 0; tries < 3; tries++) {
    const change = await getChange(id, caller, deps);
    authorizeChange(caller, change.groupId, change.peerId);
    if (isTerminal(change.state)) throw new ChangeEndedError(id, change.state);
    if (change.leaseUntil !== undefined && isLeased(change, deps.now()))
      throw new ChangeSendingError(id, change.leaseUntil);
    const next = withState(change, "CANCELLED", deps.now(), change.atlas, `cancelled by ${caller.id}`);
    if (await persistChange(change, next, deps)) {
      await deps.scheduler.cancel({ changeId: id, attempt: change.attempt }).catch((error: unknown) => {
        deps.logger.warn("could not delete the pending re-check schedule (it will find the change ended)", {
          changeId: id,
          error: error as Error,
        });
      });
      return next;
    }
  }
  throw new ChangeBusyError(id);
}
