import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { createDocumentClient } from "../../adapters/aws/dynamodb/table.js";

/**
 * Loaded with `import()` on the first store, audit or replay call. The SDK is imported statically *here*:
 * esbuild's code splitting turns a dynamic `import()` of a CommonJS package (the AWS SDK's `main`) into a chunk
 * whose only export is `default`, so `{ DynamoDBClient }` read from it is undefined in the bundle. A dynamic
 * import of our own ESM module keeps the named exports (the artefact suite proves it on the zip).
 */
export function newDocumentClient(config: DynamoDBClientConfig) {
  return createDocumentClient(new DynamoDBClient(config));
}
