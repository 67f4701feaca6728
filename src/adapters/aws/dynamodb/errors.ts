import { ChangeStoreError } from "../../../ports/ChangeStore.js";

/** True for DynamoDB's answer to a failed ConditionExpression (the expected outcome of a lost race). */
export function isConditionalCheckFailed(error: unknown): boolean {
  // By name rather than instanceof: a second copy of the SDK in the bundle would defeat instanceof.
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

/** Wraps an AWS failure of `operation` without quoting the request (item values stay out of messages). */
export function storeFailure(operation: string, error: unknown): ChangeStoreError {
  const name = error instanceof Error ? error.name : "UnknownError";
  return new ChangeStoreError(`DynamoDB ${operation} on the change table failed (${name}).`, {
    cause: error,
  });
}

/** Runs a conditional write: true if it was applied, false if its condition failed; other failures wrapped. */
export async function conditionalWrite(operation: string, send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw storeFailure(operation, error);
  }
}

/** Runs a read, wrapping any failure in a {@link ChangeStoreError}. */
export async function storeRead<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw storeFailure(operation, error);
  }
}

/** Tries of a transaction that DynamoDB cancelled because another transaction was writing the same item. */
const TRANSACTION_CONFLICT_TRIES = 4;

/**
 * Runs a TransactWriteItems: undefined when it was applied; when DynamoDB cancelled it on conditions, one
 * flag per item saying whether that item's condition failed (nothing was written). A conflict with another
 * transaction in progress is tried again after a short jittered wait; any other failure is wrapped.
 */
export async function transactWrite(
  operation: string,
  send: () => Promise<unknown>,
): Promise<boolean[] | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await send();
      return undefined;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === undefined) throw storeFailure(operation, error);
      const conflicted = codes.includes("TransactionConflict");
      if (conflicted && attempt < TRANSACTION_CONFLICT_TRIES) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
        continue;
      }
      if (codes.some((code) => code !== "None" && code !== "ConditionalCheckFailed"))
        throw storeFailure(operation, error);
      return codes.map((code) => code === "ConditionalCheckFailed");
    }
  }
}

/** The per-item codes of a cancelled transaction, or undefined for any other error. */
function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== "TransactionCanceledException") return undefined;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
  return Array.isArray(reasons) ? reasons.map((reason) => reason.Code ?? "None") : undefined;
}
