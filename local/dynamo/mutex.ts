/**
 * A first-come first-served async lock. dynalite locks one key at a time, so a transaction emulated as a
 * sequence of single-item calls needs a lock of its own to be all or nothing for other writers.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Runs `work` once every earlier `run` has settled; the next one waits for this one, failed or not. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release = () => {};
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }
}
