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
