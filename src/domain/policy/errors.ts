/**
 * The guardrails' refusals: a change the project policy does not allow (422), and a CIDR that overlaps what
 * Atlas already routes (409, with Atlas's own code names as the problem types). Each is audited by the use
 * case that refuses it, with the peer it read (reason `policy` or `overlap`), so channels do not audit it again.
 */
import { type ErrorKind, GatewayError } from "../errors.js";
import type { FieldViolation } from "../validation.js";
import { describeOverlaps, type OverlapFinding } from "./overlap.js";
import type { PolicyViolation } from "./rules.js";

/** A refusal of the guardrails: audited where it is decided, never sent to Atlas. */
export abstract class GuardrailRefusal extends GatewayError {
  /** The audit record's `reason`. */
  abstract readonly auditReason: string;
  /** The fields refused, as a problem's `errors`. */
  abstract readonly errors: FieldViolation[];
  override details(): Record<string, unknown> {
    return { errors: this.errors };
  }
}

/** The project policy does not allow the change: every field outside it, each with its rule and allowed values. */
export class PolicyRefusedError extends GuardrailRefusal {
  readonly kind: ErrorKind = "refused";
  readonly code = "policy-refused";
  readonly title = "The project policy does not allow this change";
  readonly auditReason = "policy";
  readonly errors: FieldViolation[];
  constructor(readonly violations: readonly PolicyViolation[]) {
    super(
      `${violations.length} field(s) are outside the project policy: ${violations.map((v) => v.message).join("; ")}. Nothing was sent.`,
    );
    this.errors = violations.map((v) => ({ path: v.path, message: v.message.slice(v.path.length + 2) }));
  }
  override details(): Record<string, unknown> {
    const rules = this.violations.map(({ path, value, rule, allowed }) => ({ path, value, rule, allowed }));
    return { errors: this.errors, policy: rules };
  }
}

/** Where the refused CIDR is in the request, and the blocks it overlaps. */
export interface OverlapRefusal {
  path: string;
  cidr: string;
  findings: readonly OverlapFinding[];
}

function overlapMessage(refusal: OverlapRefusal, atlasCode: string): string {
  return (
    `${refusal.path}: ${refusal.cidr} overlaps ${describeOverlaps(refusal.findings)} (Atlas answers such a ` +
    `PATCH 409 ${atlasCode}). Nothing was sent; choose a block that overlaps neither, or set allowOverlap in ` +
    "the project's policy."
  );
}

abstract class CidrOverlapError extends GuardrailRefusal {
  readonly kind: ErrorKind = "conflict";
  readonly auditReason = "overlap";
  readonly errors: FieldViolation[];
  constructor(
    readonly refusal: OverlapRefusal,
    atlasCode: string,
  ) {
    super(overlapMessage(refusal, atlasCode));
    this.errors = [{ path: refusal.path, message: this.message.slice(refusal.path.length + 2) }];
  }
  override details(): Record<string, unknown> {
    return { errors: this.errors, overlaps: this.refusal.findings };
  }
}

/** The CIDR overlaps another peer's of the project (Atlas: 409 OVERLAPPING_CIDR_BLOCK). */
export class OverlappingCidrBlockError extends CidrOverlapError {
  readonly code = "overlapping-cidr-block";
  readonly title = "The CIDR block overlaps another peer's";
  constructor(refusal: OverlapRefusal) {
    super(refusal, "OVERLAPPING_CIDR_BLOCK");
  }
}

/** The CIDR overlaps the Atlas container's own block (Atlas: 409 OVERLAPPING_ATLAS_CIDR_BLOCK). */
export class OverlappingAtlasCidrBlockError extends CidrOverlapError {
  readonly code = "overlapping-atlas-cidr-block";
  readonly title = "The CIDR block overlaps the Atlas CIDR block";
  constructor(refusal: OverlapRefusal) {
    super(refusal, "OVERLAPPING_ATLAS_CIDR_BLOCK");
  }
}

/** The refusal for a set of findings: the Atlas container's code when it is among them (Atlas checks it first). */
export function overlapRefusal(refusal: OverlapRefusal): CidrOverlapError {
  return refusal.findings.some((f) => f.kind === "atlas")
    ? new OverlappingAtlasCidrBlockError(refusal)
    : new OverlappingCidrBlockError(refusal);
}
