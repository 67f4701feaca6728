import type { ChangeRecord } from "../domain/change/ChangeRecord.js";
import { awaitsPeerAcceptance, markAccepterAccount } from "../domain/change/peerSide.js";
import type { CallerDirectory } from "../ports/CallerDirectory.js";
import type { Logger } from "../ports/Logger.js";

export interface AccepterAccountDeps {
  callers: CallerDirectory;
  logger: Logger;
}

/**
 * `next` marked with whether the gateway accepts its AWS request (the peer's account is in the registry's
 * `awsAccounts`), before it is written: the notification written with it, and every view, then say the
 * gateway accepts rather than asking a person to. Read from the registry (cached) in every function, the
 * http function's included, though only the recheck and sweeper functions run the peer side: a change that
 * waits from its PATCH's answer on is accepted at its first check. When the registry cannot be read, `next`
 * keeps the mark it had (logged): the next check tries again.
 */
export async function withAccepterAccount(
  next: ChangeRecord,
  deps: AccepterAccountDeps,
): Promise<ChangeRecord> {
  if (!awaitsPeerAcceptance(next)) return next;
  try {
    const accounts = (await deps.callers.registry()).awsAccounts ?? new Map();
    return markAccepterAccount(next, accounts);
  } catch (error) {
    deps.logger.warn("cannot read the accepter accounts; the next action keeps what it said", {
      changeId: next.id,
      error: error as Error,
    });
    return next;
  }
}
