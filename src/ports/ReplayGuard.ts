/**
 * Remembers signed requests already served, so a captured signed request (HMAC-signed HTTP, or Slack's signed
 * slash command) cannot be sent again while its timestamp is still inside the accepted window. Entries need
 * only live as long as that window.
 *
 * A request is named by a **request key** the channel builds from what the signature covers (who, when, method,
 * path, the body's hash): never the signature itself, since one request can carry several signatures (secret
 * rotation) and a replay could send any subset of them. Implementations store only a hash of the key.
 */
export interface ReplayGuard {
  /**
   * True the first time a request is seen; false when it was already seen and has not expired.
   * `expiresAtSeconds` is when this request stops being accepted anyway (epoch seconds); `nowSeconds` is now.
   */
  firstSeen(requestKey: string, expiresAtSeconds: number, nowSeconds: number): Promise<boolean>;
}
