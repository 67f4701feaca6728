/**
 * Powertools Metrics, loaded with the first sample through this module of ours: shipped code never
 * `import()`s a package directly (a CommonJS one loses its named exports in a split bundle).
 */
export { Metrics } from "@aws-lambda-powertools/metrics";
