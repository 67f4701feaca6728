/**
 * A port whose adapter is built on first use. The AWS SDK clients behind the store, the scheduler and the
 * event bus cost tens of milliseconds to load; a request refused before it needs them (bad credentials,
 * invalid body) should not pay that at cold start, and the ones that need them pay it once.
 *
 * Every member of `T` must be an async method: calls wait for the adapter, then run on it. A successful load is
 * kept for the life of the container; a failed one is retried by the next call.
 */
export function lazyPort<T extends object>(load: () => Promise<T>): T {
  let adapter: Promise<T> | undefined;
  const loaded = () => {
    if (adapter === undefined) {
      // Concurrent first calls share this one load. A failed load (an import or a construction that threw)
      // is forgotten, so the next call tries again instead of the container failing until it is recycled.
      const attempt = load();
      adapter = attempt;
      attempt.catch(() => {
        if (adapter === attempt) adapter = undefined;
      });
    }
    return adapter;
  };
  return new Proxy({} as T, {
    get(_target, member) {
      // Not a thenable: awaiting an object that holds a port must not try to resolve the port itself.
      if (member === "then") return undefined;
      return async (...args: unknown[]) => {
        const instance = await loaded();
        const method = (instance as Record<PropertyKey, unknown>)[member];
        if (typeof method !== "function")
          throw new TypeError(`${String(member)} is not a method of the port`);
        return method.apply(instance, args);
      };
    },
  });
}
