/**
 * The Standard Webhooks signer, re-exported from an ESM module of ours so that `import()` of it keeps the named
 * export in the bundle: `standardwebhooks` is CommonJS, and esbuild's code splitting gives a dynamically
 * imported CommonJS package only a `default` export (every callback then failed as INVALID_SECRET).
 */
export { Webhook } from "standardwebhooks";
