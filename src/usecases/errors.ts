import { GatewayError } from "../errors.js";

/** Another change for the same peering is still being followed. */
export class ChangeInFlightError extends GatewayError {
  constructor(readonly changeId: string) {
    super(`Change ${changeId} for this peering has not settled yet; cancel it or wait for it to end.`);
  }
}

/** The Idempotency-Key was used before with a different request. */
export class IdempotencyKeyReusedError extends GatewayError {
  constructor(readonly changeId: string) {
    super(`This Idempotency-Key was used for a different request (change ${changeId}); use a new key.`);
  }
}

/** A change that does not exist, or that the caller may not see (the same answer, so ids cannot be probed). */
export class ChangeNotFoundError extends GatewayError {
  constructor(id: string) {
    super(`No change request ${id} is visible to this caller.`);
  }
}

/** The change already ended, so it cannot be cancelled. */
export class ChangeEndedError extends GatewayError {
  constructor(
    id: string,
    readonly state: string,
  ) {
    super(`Change ${id} already ended as ${state}.`);
  }
}

/** The callback URL is not one this caller may use. */
export class CallbackNotAllowedError extends GatewayError {}

/** Atlas cannot make this change in place (Azure fields, GCP project/network, the container). */
export class ChangeRefusedError extends GatewayError {}
