import type { CallerRegistry } from "../auth/callers.js";
import type { CallerDirectory } from "../ports/CallerDirectory.js";

/** A callers registry held in memory: the local stack's dev caller, a callers file, and tests. */
export class StaticCallerDirectory implements CallerDirectory {
  constructor(private readonly value: CallerRegistry) {}

  async registry(): Promise<CallerRegistry> {
    return this.value;
  }
}
