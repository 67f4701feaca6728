import type { CallerRegistry } from "../../src/access/callers.js";
import type { CallerDirectory } from "../../src/ports/CallerDirectory.js";

/** A test fake: a callers registry held in memory. */
export class StaticCallerDirectory implements CallerDirectory {
  constructor(private readonly value: CallerRegistry) {}

  async registry(): Promise<CallerRegistry> {
    return this.value;
  }
}
