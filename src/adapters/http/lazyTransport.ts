import type { HttpTransport, TransportOptions } from "../../ports/HttpTransport.js";

/**
 * An undici transport that loads undici on its first request instead of at import: undici (with its wasm
 * HTTP parser) is the largest module of the bundle, and requests that never reach Atlas or a webhook (refused
 * callers, invalid bodies, reads) should not pay for it at cold start.
 */
export function createLazyUndiciTransport(
  options: TransportOptions,
): HttpTransport & { close(): Promise<void> } {
  let loaded: Promise<HttpTransport & { close(): Promise<void> }> | undefined;
  const load = () => {
    loaded ??= import("./undiciTransport.js").then((module) => module.createUndiciTransport(options));
    return loaded;
  };
  const transport: HttpTransport = async (request) => (await load())(request);
  return Object.assign(transport, {
    close: async () => {
      if (loaded) await (await loaded).close();
    },
  });
}
