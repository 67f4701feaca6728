import { refusalRemediation } from "../domain/change/remediation.js";
import { type ErrorKind, GatewayError } from "../domain/errors.js";

/** Another change for the same peering is still being followed. */
export class ChangeInFlightError extends GatewayError {
  readonly kind: ErrorKind = "conflict";
  readonly code = "change-in-flight";
  readonly title = "A change for this peering is in flight";
  constructor(readonly changeId: string) {
    super(`Change ${changeId} for this peering has not settled yet; cancel it or wait for it to end.`);
  }
  override details() {
    return { changeRequestId: this.changeId };
  }
}

/** The Idempotency-Key was used before with a different request. */
export class IdempotencyKeyReusedError extends GatewayError {
  readonly kind: ErrorKind = "refused";
  readonly code = "idempotency-key-reused";
  readonly title = "Idempotency-Key reused";
  constructor(readonly changeId: string) {
    super(`This Idempotency-Key was used for a different request (change ${changeId}); use a new key.`);
  }
  override details() {
    return { changeRequestId: this.changeId };
  }
}

/** A change that does not exist, or that the caller may not see (the same answer, so ids cannot be probed). */
export class ChangeNotFoundError extends GatewayError {
  readonly kind: ErrorKind = "not-found";
  readonly code = "change-not-found";
  readonly title = "No such change request";
  constructor(id: string) {
    super(`No change request ${id} is visible to this caller.`);
  }
}

/** The change already ended, so it cannot be cancelled. */
export class ChangeEndedError extends GatewayError {
  readonly kind: ErrorKind = "conflict";
  readonly code = "change-ended";
  readonly title = "The change already ended";
  constructor(
    id: string,
    readonly state: string,
  ) {
    super(`Change ${id} already ended as ${state}.`);
  }
}

/** The change kept moving while it was being cancelled (every attempt lost the race): try again. */
export class ChangeBusyError extends GatewayError {
  readonly kind: ErrorKind = "conflict";
  readonly code = "change-busy";
  readonly title = "The change is changing too fast";
  constructor(id: string) {
    super(`Change ${id} changed while it was being cancelled; try again.`);
  }
}

/**
 * The change's PATCH may be in flight (an invocation holds its lease): cancelling now could not stop it, and
 * would claim the peering is free while Atlas may still apply it. Once the outcome is known, cancel again.
 */
export class ChangeSendingError extends GatewayError {
  readonly kind: ErrorKind = "conflict";
  readonly code = "change-sending";
  readonly title = "The change's PATCH is being sent";
  constructor(
    readonly changeId: string,
    readonly leaseUntil: number,
  ) {
    super(
      `Change ${changeId} is sending its PATCH to Atlas; its outcome is known by ` +
        `${new Date(leaseUntil).toISOString()} at the latest. Cancel it after that if it is still wanted.`,
    );
  }
  override details() {
    return { changeRequestId: this.changeId, retryAt: new Date(this.leaseUntil).toISOString() };
  }
}

/** The callback URL is not one this caller may use. */
export class CallbackNotAllowedError extends GatewayError {
  readonly kind: ErrorKind = "refused";
  readonly code = "callback-not-allowed";
  readonly title = "Callback URL not allowed";
}

/** Atlas cannot make this change in place (Azure fields, GCP project/network, the container). */
export class ChangeRefusedError extends GatewayError {
  readonly kind: ErrorKind = "refused";
  readonly code = "change-not-updatable";
  readonly title = "Atlas cannot make this change in place";
  /** What to do instead, from the one remediation table (a problem's `remediation` member). */
  override details() {
    return { remediation: refusalRemediation(this.code) };
  }
}
