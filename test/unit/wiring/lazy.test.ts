import { describe, expect, it } from "vitest";
import { lazyPort } from "../../../src/wiring/lazy.js";

interface Greeter {
  greet(name: string): Promise<string>;
}

const greeter: Greeter = { greet: async (name) => `hello ${name}` };

describe("lazyPort", () => {
  it("retries a failed load on the next call instead of failing forever", async () => {
    let loads = 0;
    const port = lazyPort<Greeter>(async () => {
      loads += 1;
      if (loads === 1) throw new Error("import failed");
      return greeter;
    });

    await expect(port.greet("a")).rejects.toThrow("import failed");
    await expect(port.greet("b")).resolves.toBe("hello b");
    expect(loads).toBe(2);
  });

  it("caches a successful load", async () => {
    let loads = 0;
    const port = lazyPort<Greeter>(async () => {
      loads += 1;
      return greeter;
    });

    await port.greet("a");
    await port.greet("b");
    expect(loads).toBe(1);
  });

  it("shares one load between concurrent first calls, failed or not", async () => {
    let loads = 0;
    let fail = true;
    const port = lazyPort<Greeter>(async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new Error("construction failed");
      return greeter;
    });

    const first = await Promise.allSettled([port.greet("a"), port.greet("b")]);
    expect(first.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(loads).toBe(1);

    fail = false;
    await expect(Promise.all([port.greet("c"), port.greet("d")])).resolves.toEqual(["hello c", "hello d"]);
    expect(loads).toBe(2);
  });

  it("is not a thenable, so awaiting it does not load the adapter", async () => {
    let loads = 0;
    const port = lazyPort<Greeter>(async () => {
      loads += 1;
      return greeter;
    });
    expect(await port).toBe(port);
    expect(loads).toBe(0);
  });
});
