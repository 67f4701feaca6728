import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** `npm start` itself (`tsx local/start.ts`), on ephemeral ports, with `env` added. */
function npmStart(env: Record<string, string>): ChildProcess {
  const tsx = join(process.cwd(), "node_modules", ".bin", "tsx");
  return spawn(tsx, ["local/start.ts"], {
    env: {
      ...process.env,
      PORT: "0",
      ATLAS_SIM_PORT: "0",
      ATLAS_SIM_STEP_MS: "50",
      RECHECK_DELAY_SECONDS: "0.2",
      POWERTOOLS_DEV: "false",
      GATEWAY_CALLERS_FILE: "",
      GATEWAY_DATA_DIR: "",
      ATLAS_BASE_URL: "",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function collect(stream: NodeJS.ReadableStream | null): { text: string } {
  const out = { text: "" };
  stream?.on("data", (chunk: Buffer) => {
    out.text += chunk.toString("utf8");
  });
  return out;
}

async function until(done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50));
}

let busy: Server;
let busyPort: number;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

describe("npm start with a port in use and Atlas keys but no ATLAS_BASE_URL", () => {
  it("warns the keys are ignored (never their values), prints one line naming PORT and exits non-zero", async () => {
    const child = npmStart({
      PORT: String(busyPort),
      ATLAS_PUBLIC_KEY: "pub-key-0a1b",
      ATLAS_PRIVATE_KEY: "private-key-never-echoed-9f8e",
    });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    const [code] = await once(child, "exit");
    expect(code).not.toBe(0);
    const lines = stderr.text.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(
        /^npm start: ATLAS_PUBLIC_KEY, ATLAS_PRIVATE_KEY ignored: ATLAS_BASE_URL is not set/,
      ),
      `npm start: port ${busyPort} on 127.0.0.1 is already in use (another npm start?): set PORT to a free port, or PORT=0 for any free one`,
    ]);
    expect(stderr.text + stdout.text).not.toMatch(
      /pub-key-0a1b|private-key-never-echoed-9f8e|EADDRINUSE|\n\s+at /,
    );
  }, 30_000);
});

describe("npm start's output after the banner", () => {
  let child: ChildProcess;
  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });

  it("is JSON log lines of the functions' shape only, the events among them", async () => {
    child = npmStart({ LOG_LEVEL: "INFO" });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    await until(() => /^ {2}-d '.*'$/m.test(stdout.text), 20_000);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout.text)?.[1];
    const token = /Dev bearer token \(caller local-dev, every project\): (\S+)/.exec(stdout.text)?.[1];
    const group = /Demo project ([0-9a-f]{24})/.exec(stdout.text)?.[1];
    const peer = /AWS {3}peer ([0-9a-f]{24})/.exec(stdout.text)?.[1];
    expect([url, token, group, peer].every(Boolean)).toBe(true);
    const bannerEnd = stdout.text.length;
    const answer = await fetch(`${url}/v1/peering-changes`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        groupId: group,
        peerId: peer,
        peering: { providerName: "AWS", routeTableCidrBlock: "10.44.0.0/21" },
      }),
    });
    expect(answer.status).toBeLessThan(300);
    await until(() => stdout.text.slice(bannerEnd).includes("SUCCEEDED"), 30_000);
    child.kill("SIGTERM");
    await once(child, "exit");
    const after = (stdout.text.slice(bannerEnd) + stderr.text).split("\n").filter((line) => line !== "");
    expect(after.length).toBeGreaterThan(0);
    const notJson = after.filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    for (const line of after) {
      expect(JSON.parse(line), line).toMatchObject({
        level: expect.any(String),
        message: expect.any(String),
        timestamp: expect.any(String),
        service: expect.any(String),
      });
    }
    const events = after.map((line) => JSON.parse(line)).filter((e) => e.message.startsWith("event "));
    expect(events.map((e) => e.state)).toContain("SUCCEEDED");
  }, 75_000);
});
