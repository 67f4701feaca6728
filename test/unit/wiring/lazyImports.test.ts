import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../../..");

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return Promise.resolve(entry.name.endsWith(".ts") ? [path] : []);
    }),
  );
  return nested.flat();
}

/**
 * With esbuild's code splitting, `import("<a CommonJS package>")` yields a chunk whose only export is
 * `default`, so a named export read from it is undefined in the bundle while the TypeScript source works
 * (every route answered 500 that way). Lazy loads must name one of our own modules, which imports the
 * package statically (src/wiring/loaders/). The artefact suite proves the bundle; this names the line.
 */
describe("lazy imports in the shipped code", () => {
  it("never import() a package directly", async () => {
    const offending: string[] = [];
    for (const folder of ["src", "handlers"]) {
      for (const file of await sourceFiles(join(ROOT, folder))) {
        const text = await readFile(file, "utf8");
        for (const match of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) {
          const specifier = match[1] ?? "";
          if (!specifier.startsWith(".")) offending.push(`${relative(ROOT, file)}: import("${specifier}")`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
