/**
 * Remembers signed requests already served, so a captured HMAC-signed request cannot be sent again while its
 * timestamp is still inside the accepted window. Entries need only live as long as that window.
 */
export interface ReplayGuard {
  /**
   * True the first time a signature is seen; false when it was already seen and has not expired.
   * `expiresAtSeconds` is when this signature stops being accepted anyway (epoch seconds); `nowSeconds` is now.
   */
  firstSeen(signature: string, expiresAtSeconds: number, nowSeconds: number): Promise<boolean>;
}
