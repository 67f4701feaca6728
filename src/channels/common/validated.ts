import type { FieldViolation, Validation } from "../../domain/validation.js";
import { RequestValidationError } from "../../domain/validation.js";

/**
 * Combines validations so that every violation is reported in one 400, not one per round trip.
 * Returns the values when all passed; throws {@link RequestValidationError} otherwise.
 */
export function allValid<T extends readonly Validation<unknown>[]>(
  ...results: T
): { [K in keyof T]: T[K] extends Validation<infer V> ? V : never } {
  const errors: FieldViolation[] = results.flatMap((r) => (r.ok ? [] : r.errors));
  if (errors.length > 0) throw new RequestValidationError(errors);
  return results.map((r) => (r.ok ? r.value : undefined)) as {
    [K in keyof T]: T[K] extends Validation<infer V> ? V : never;
  };
}
