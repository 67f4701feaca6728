import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack } from "../../../local/stack.js";
import { LocalStartError } from "../../../local/startErrors.js";

let busy: Server;
let busyPort: number;
let dir: string;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  busyPort = (busy.address() as { port: number }).port;
  dir = await mkdtemp(join(tmpdir(), "local-start-"));
});
afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => resolve()));
  await rm(dir, { recursive: true });
});

/** How starting the stack failed (it must fail). */
async function startFailure(options: Parameters<typeof startLocalStack>[0]): Promise<Error> {
  const stack = await startLocalStack({ logLevel: "SILENT", ...options }).catch((error: Error) => error);
  if (!(stack instanceof Error)) {
    await stack.close();
    throw new Error("the stack started");
  }
  return stack;
}

describe("a port already in use", () => {
  it("fails the start with one sentence naming the port and PORT, for the gateway's port", async () => {
    const error = await startFailure({ port: busyPort, simulatorPort: 0 });
    expect(error).toBeInstanceOf(LocalStartError);
    expect(error.message).toBe(
      `port ${busyPort} on 127.0.0.1 is already in use (another npm start?): set PORT to a free port, or PORT=0 for any free one`,
    );
  });

  it("names ATLAS_SIM_PORT for the simulator's port", async () => {
    const error = await startFailure({ port: 0, simulatorPort: busyPort });
    expect(error).toBeInstanceOf(LocalStartError);
    expect(error.message).toContain(`port ${busyPort} on 127.0.0.1 is already in use`);
    expect(error.message).toContain("set ATLAS_SIM_PORT to a free port");
  });
});

describe("a bad callers file (GATEWAY_CALLERS_FILE)", () => {
  it("that is not JSON: names the file, the line and column, and what is wrong", async () => {
    const file = join(dir, "broken.json");
    await writeFile(file, '{\n  "callers": [\n    {"id": "ci",}\n  ]\n}\n');
    const error = await startFailure({ callersFile: file });
    expect(error).toBeInstanceOf(LocalStartError);
    expect(error.message).toBe(
      `The callers file ${file} (GATEWAY_CALLERS_FILE) is not valid JSON at line 3, column 17: Expected double-quoted property name`,
    );
  });

  it("that is not a registry: names every bad field and what the file has there, never a value", async () => {
    const file = join(dir, "invalid.json");
    const secret = "whsec_c2VjcmV0LXZhbHVlLW5ldmVyLXByaW50ZWQ=";
    await writeFile(
      file,
      JSON.stringify({
        callers: [{ id: "ci", tokenSha256: ["0".repeat(64)], callbackSecret: secret, projects: 7 }],
      }),
    );
    const error = await startFailure({ callersFile: file });
    expect(error).toBeInstanceOf(LocalStartError);
    expect(error.message).toContain(`The callers registry in file ${file} is not valid`);
    expect(error.message).toContain("callers.0.projects: Invalid input (found a number)");
    expect(error.message).toContain("(GATEWAY_CALLERS_FILE)");
    expect(error.message).not.toContain(secret);
  });

  it("that does not exist: says so, naming the file", async () => {
    const file = join(dir, "missing.json");
    const error = await startFailure({ callersFile: file });
    expect(error.message).toBe(`The callers file ${file} (GATEWAY_CALLERS_FILE) cannot be read: ENOENT`);
  });
});
