/**
 * The root of the gateway's error hierarchy. Every error the gateway raises on purpose extends it, keeps the
 * foreign error it wraps as `cause`, and never carries a credential in its message. `src/http/problem.ts` is the
 * one place that turns these into HTTP answers.
 */
export class GatewayError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
