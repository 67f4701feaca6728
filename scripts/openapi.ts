/**
 * Writes docs/openapi.json from the gateway's zod schemas (src/channels/http/openapi/). `--check` writes
 * nothing and exits 1 when the committed file is not what the schemas give: run `npm run openapi` and commit.
 */
import { readFile, writeFile } from "node:fs/promises";
import { buildOpenApiDocument, canonicalJson } from "../src/channels/http/openapi/document.js";

const target = new URL("../docs/openapi.json", import.meta.url);
const { version } = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
const built = canonicalJson(buildOpenApiDocument(version));

if (process.argv.includes("--check")) {
  const committed = await readFile(target, "utf8").catch(() => "");
  if (committed !== built) {
    console.error("docs/openapi.json is out of date with the schemas: run `npm run openapi` and commit it.");
    process.exit(1);
  }
  console.log("docs/openapi.json matches the schemas.");
} else {
  await writeFile(target, built);
  console.log(`wrote docs/openapi.json (${built.length} bytes)`);
}
