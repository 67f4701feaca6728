/**
 * The one idempotency-key rule, whichever channel the key came by: 1 to 255 printable ASCII characters, no
 * leading or trailing space (an HTTP header value cannot carry those faithfully). The key is stored and
 * compared byte for byte, and echoed in logs.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;

/** The violation an idempotency key that breaks the rule is refused with. */
export const IDEMPOTENCY_KEY_MESSAGE =
  "must be 1 to 255 printable ASCII characters, without a leading or trailing space";
