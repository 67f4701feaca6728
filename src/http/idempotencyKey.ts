import { RequestValidationError } from "./errors.js";
import type { GatewayRequest } from "./request.js";

/** An `Idempotency-Key` header, if any: 1–255 printable ASCII characters. */
export function idempotencyKeyOf(request: GatewayRequest): string | undefined {
  const key = request.headers["idempotency-key"];
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new RequestValidationError([
      {
        path: "header.Idempotency-Key",
        message: "must be 1 to 255 printable ASCII characters without spaces",
      },
    ]);
  }
  return key;
}
