/** Replaced by the build (scripts/build-cli.mjs) with the root package.json's version. */
declare const __PEERING_GATEWAY_VERSION__: string | undefined;

/**
 * The CLI's version: the release it was built from. Run from the sources (tsx), it is the checkout's version
 * as `npm run cli` announces it, marked `-dev`, since the sources may be ahead of that release.
 */
export const VERSION: string =
  typeof __PEERING_GATEWAY_VERSION__ === "string"
    ? __PEERING_GATEWAY_VERSION__
    : `${process.env.npm_package_version ?? "0.0.0"}-dev`;
