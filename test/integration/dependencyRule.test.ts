import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const run = promisify(execFile);
let dir = "";

/** A scratch tree with the project's dependency rule and `files`; lints it as `npm run lint` does. */
async function lint(files: Record<string, string>): Promise<{ ok: boolean; output: string }> {
  dir = await mkdtemp(join(tmpdir(), "apg-deprule-"));
  await copyFile(join(ROOT, ".dependency-cruiser.cjs"), join(dir, ".dependency-cruiser.cjs"));
  await copyFile(join(ROOT, "tsconfig.json"), join(dir, "tsconfig.json"));
  await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const bin = join(ROOT, "node_modules/.bin/depcruise");
  try {
    const { stdout } = await run(
      bin,
      ["src", "--config", ".dependency-cruiser.cjs", "--output-type", "err"],
      {
        cwd: dir,
      },
    );
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout) };
  }
}

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the dependency rule (npm run lint)", () => {
  it("passes a domain file that imports only the domain and zod", async () => {
    const result = await lint({
      "src/domain/a.ts":
        'import * as z from "zod/mini";\nimport { b } from "./b.js";\nexport const a = [z, b];\n',
      "src/domain/b.ts": "export const b = 1;\n",
    });
    expect(result).toMatchObject({ ok: true });
  }, 30_000);

  it("fails a domain file importing the AWS SDK or an adapter, naming the file", async () => {
    const result = await lint({
      "src/domain/leak.ts":
        'import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";\n' +
        'import type { Store } from "../adapters/store.js";\nexport type Leak = [DynamoDBClient, Store];\n',
      "src/adapters/store.ts": "export interface Store { x: number }\n",
    });
    expect(result.ok).toBe(false);
    expect(result.output).toContain("domain-is-pure: src/domain/leak.ts → src/adapters/store.ts");
    expect(result.output).toMatch(/no-cloud-sdk-inside: src\/domain\/leak\.ts → .*@aws-sdk\/client-dynamodb/);
  }, 30_000);

  it("fails an import cycle, type-only imports included", async () => {
    const result = await lint({
      "src/usecases/a.ts": 'import type { B } from "./b.js";\nexport interface A { b?: B }\n',
      "src/usecases/b.ts": 'import type { A } from "./a.js";\nexport interface B { a?: A }\n',
    });
    expect(result.ok).toBe(false);
    expect(result.output).toContain("no-cycles: src/usecases/a.ts");
  }, 30_000);

  it("fails a channel importing another channel", async () => {
    const result = await lint({
      "src/channels/slack/x.ts": 'import { y } from "../http/y.js";\nexport const x = y;\n',
      "src/channels/http/y.ts": "export const y = 1;\n",
    });
    expect(result.ok).toBe(false);
    expect(result.output).toContain("channels-stay-apart: src/channels/slack/x.ts → src/channels/http/y.ts");
  }, 30_000);
});
