import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import {
  ACTION,
  CALLER,
  CREATED_AT,
  FakeGateway,
  GROUP,
  PEER,
  SECRET,
  TOKEN,
} from "./support/cliFakeGateway.js";

const gateway = new FakeGateway();
let dir: string;

beforeAll(async () => {
  await gateway.start();
  dir = await mkdtemp(join(tmpdir(), "peering-cli-"));
});
afterAll(async () => {
  await gateway.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  gateway.requests = [];
});

/** Runs the CLI in-process with a fake clock that sleeping advances, so waits take no real time. */
async function cli(argv: string[], options: { env?: Record<string, string>; isTTY?: boolean } = {}) {
  let clock = CREATED_AT;
  const output = { stdout: "", stderr: "" };
  const code = await main(argv, {
    stdout: (s) => {
      output.stdout += s;
    },
    stderr: (s) => {
      output.stderr += s;
    },
    isTTY: options.isTTY ?? false,
    env: options.env ?? { GATEWAY_URL: gateway.url, GATEWAY_TOKEN: TOKEN },
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    // No real timer: the `sending…` ticker is tested in test/unit/cli/watch.test.ts.
    every: () => () => {},
  });
  // Whatever happened, no credential may ever be printed.
  for (const text of [output.stdout, output.stderr]) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SECRET);
  }
  return { code, ...output };
}

const AWS_FLAGS = [
  ...["--group", GROUP, "--peer", PEER, "--provider", "AWS", "--container", "64b1e2d3c4b5a69788796a00"],
  ...["--vpc", "vpc-0123456789abcdef0", "--account", "123456789012", "--region", "us-east-1"],
  ...["--cidr", "10.15.0.0/24"],
];

describe("peering-gateway submit", () => {
  it("POSTs the body built from flags with an Idempotency-Key and follows the change to SUCCEEDED", async () => {
    const run = await cli([
      "submit",
      ...AWS_FLAGS,
      "--idempotency-key",
      "idem-1",
      "--wait",
      "--interval",
      "0.01",
    ]);
    expect(run.code).toBe(0);
    const [post, ...gets] = gateway.requests;
    expect(post?.method).toBe("POST");
    expect(post?.headers["idempotency-key"]).toBe("idem-1");
    expect(post?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(post?.body ?? "")).toEqual({
      groupId: GROUP,
      peerId: PEER,
      peering: {
        ...{ providerName: "AWS", containerId: "64b1e2d3c4b5a69788796a00", vpcId: "vpc-0123456789abcdef0" },
        ...{
          awsAccountId: "123456789012",
          accepterRegionName: "us-east-1",
          routeTableCidrBlock: "10.15.0.0/24",
        },
      },
    });
    expect(gets.map((r) => r.url)).toEqual(Array(3).fill("/v1/peering-changes/happy-1"));
    // Not a TTY: each transition of the history once, the action once, no control characters.
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      "  +0:00  IN_PROGRESS · Atlas INITIATING",
      "  +0:01  WAITING_FOR_USER · Atlas PENDING_ACCEPTANCE",
      `         Action needed: ${ACTION}`,
      "  +0:02  SUCCEEDED · Atlas AVAILABLE",
    ]);
    expect(run.stdout.split("\n")[0]).toBe("Change happy-1 submitted (IN_PROGRESS)");
    expect(run.stdout).toContain("Change happy-1: SUCCEEDED");
  });

  it("rewrites one status line on a TTY and signs the request when given a caller and secret", async () => {
    const env = { GATEWAY_URL: gateway.url, GATEWAY_CALLER: CALLER, GATEWAY_SIGNING_SECRET: SECRET };
    const run = await cli(["submit", ...AWS_FLAGS, "--reason", "failed", "--wait", "--interval", "1"], {
      env,
      isTTY: true,
    });
    expect(run.code).toBe(1);
    expect(gateway.requests.map((r) => r.auth)).toEqual(["signed", "signed"]);
    const clear = "\r\x1b[2K";
    expect(run.stderr).toBe(
      `${clear}sending… 0s${clear}` +
        "  +0:00  IN_PROGRESS · Atlas INITIATING\n" +
        `${clear}IN_PROGRESS · Atlas INITIATING · check 1 · 0:00` +
        `${clear}IN_PROGRESS · Atlas INITIATING · check 1 · 0:01` +
        `${clear}  +0:01  FAILED · Atlas FAILED\n` +
        `${clear}FAILED · Atlas FAILED · check 2 · 0:01${clear}`,
    );
    expect(run.stdout).toContain("Change failed-");
  });

  it("exits 3 on a validation problem and prints its title, detail and each field error", async () => {
    const run = await cli(["submit", ...AWS_FLAGS.slice(2), "--group", "bad-group"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("Error: 400 The request is not valid");
    expect(run.stderr).toContain("1 field(s) are not valid");
    expect(run.stderr).toContain("- peering.vpcId: must be vpc- followed by 17 lowercase hex characters");
  });

  it("names the in-flight change on a 409", async () => {
    const run = await cli(["submit", "--group", GROUP, "--peer", "busy-peer", "--container", "c"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/409 Conflict[\s\S]*still in flight: chg-inflight/);
  });

  it("sends a --file peering body with --group/--peer, and a whole --file body as is", async () => {
    const peering = { providerName: "GCP", containerId: "c", gcpProjectId: "p-1", networkName: "n" };
    await writeFile(join(dir, "peering.json"), JSON.stringify(peering));
    await writeFile(join(dir, "body.json"), JSON.stringify({ groupId: GROUP, peerId: PEER, peering }));
    const first = await cli([
      "submit",
      "--file",
      join(dir, "peering.json"),
      "--group",
      GROUP,
      "--peer",
      PEER,
    ]);
    const second = await cli(["submit", "--file", join(dir, "body.json"), "--reason", "happy", "--json"]);
    expect([first.code, second.code]).toEqual([0, 0]);
    const [one, two] = gateway.requests.map((r) => JSON.parse(r.body));
    expect(one).toEqual({ groupId: GROUP, peerId: PEER, peering });
    expect(two).toEqual({ groupId: GROUP, peerId: PEER, peering, reason: "happy" });
    expect(first.stdout).toContain("Follow it with: peering-gateway watch");
    expect(JSON.parse(second.stdout)).toMatchObject({ state: "IN_PROGRESS", change: { groupId: GROUP } });
  });

  it("exits 2 with one usage line for a bad command line, or an unreadable --file, before calling the gateway", async () => {
    for (const [argv, message] of [
      [["submit", "--provider", "GCP", "--vpc", "v"], "missing --group and --peer (or --file)"],
      [["submit", "--file", join(dir, "none")], `cannot read ${join(dir, "none")} (ENOENT)`],
    ] as const) {
      const run = await cli([...argv]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`peering-gateway: ${message} (see peering-gateway submit --help)\n`);
    }
    expect(gateway.requests).toEqual([]);
  });
});

describe("peering-gateway status, cancel and list", () => {
  it("exits 1 when the change ends CANCELLED, and on a --timeout", async () => {
    expect((await cli(["status", "cancelled-9", "--wait"])).code).toBe(1);
    const slow = await cli(["status", "slow-9", "--wait", "--interval", "2", "--timeout", "5s"]);
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain("Stopped waiting after 0:05; the change is still IN_PROGRESS");
    expect(gateway.requests.filter((r) => r.url.endsWith("slow-9"))).toHaveLength(4);
  });

  it("keeps waiting through a 503 while polling", async () => {
    const run = await cli(["status", "flaky-1", "--wait", "--interval", "1"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      "Could not check the change (503 Service Unavailable: try again); trying again.",
    );
    expect(run.stdout).toContain("Change flaky-1: SUCCEEDED");
  });

  it("prints a change as JSON with --json and exits 0 while it is going", async () => {
    const run = await cli(["status", "happy-77", "--json", "--token", TOKEN], {
      env: { GATEWAY_URL: gateway.url },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ id: "happy-77", state: "IN_PROGRESS" });
  });

  it("cancels with DELETE", async () => {
    const run = await cli(["cancel", "happy-5"]);
    expect(run.code).toBe(0);
    expect(gateway.requests[0]).toMatchObject({ method: "DELETE", url: "/v1/peering-changes/happy-5" });
    expect(run.stdout).toContain("Change happy-5: CANCELLED");
  });

  it("follows the cursors with --all (signed, query included) and prints a table", async () => {
    const env = { GATEWAY_URL: gateway.url, GATEWAY_CALLER: CALLER, GATEWAY_SIGNING_SECRET: SECRET };
    const run = await cli(["list", "--group", GROUP, "--state", "succeeded", "--limit", "2", "--all"], {
      env,
    });
    expect(run.code).toBe(0);
    expect(
      gateway.requests.map((r) => [r.auth, new URL(r.url, "http://x").searchParams.get("cursor")]),
    ).toEqual([
      ["signed", null],
      ["signed", "2"],
      ["signed", "4"],
    ]);
    expect(gateway.requests[0]?.url).toBe(`/v1/peering-changes?groupId=${GROUP}&state=SUCCEEDED&limit=2`);
    const [header, ...rows] = run.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^ID\s+STATE\s+PEER\s+ATLAS\s+UPDATED$/);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatch(
      new RegExp(`^chg-list-1\\s+SUCCEEDED\\s+${PEER}\\s+AVAILABLE\\s+2025-01-02T03:04:01Z$`),
    );
  });

  it("prints the next cursor without --all", async () => {
    const run = await cli(["list", "--group", GROUP]);
    expect(run.stdout.trimEnd().split("\n")).toHaveLength(3);
    expect(run.stderr).toContain("--cursor 2");
  });

  it("exits 3 on a wrong credential or an unreachable gateway, without printing the credential", async () => {
    const wrong = await cli(["status", "x"], {
      env: { GATEWAY_URL: gateway.url, GATEWAY_TOKEN: `${TOKEN}-old` },
    });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain("401 Unauthorized");
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const down = await cli(["status", "x"], { env: { GATEWAY_URL: url, GATEWAY_TOKEN: TOKEN } });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain(`could not reach the gateway at ${url}: ECONNREFUSED`);
  });
});

describe("the bundled CLI (cli/dist/peering-gateway.mjs as `npm run cli:build` makes it)", () => {
  let bundle: string;
  const run = promisify(execFile);
  const env = () => ({ PATH: process.env.PATH ?? "", GATEWAY_URL: gateway.url, GATEWAY_TOKEN: TOKEN });

  beforeAll(async () => {
    const out = join(dir, "bundle");
    await run(process.execPath, [
      join(import.meta.dirname, "..", "..", "scripts", "build-cli.mjs"),
      "--outdir",
      out,
    ]);
    bundle = join(out, "peering-gateway.mjs");
  }, 60_000);

  it("runs on its own: follows a change to SUCCEEDED and prints each transition once", async () => {
    const { stdout, stderr } = await run(bundle, ["submit", ...AWS_FLAGS, "--wait", "--interval", "0.05"], {
      env: env(),
    });
    expect(stdout.split("\n")[0]).toMatch(/^Change happy-\d+ submitted \(IN_PROGRESS\)$/);
    expect(
      stderr
        .trimEnd()
        .split("\n")
        .map((line) => line.replace(/\+\d+:\d\d/, "+t")),
    ).toEqual([
      "  +t  IN_PROGRESS · Atlas INITIATING",
      "  +t  WAITING_FOR_USER · Atlas PENDING_ACCEPTANCE",
      `         Action needed: ${ACTION}`,
      "  +t  SUCCEEDED · Atlas AVAILABLE",
    ]);
  });

  it("stops watching on SIGINT with exit 130 and a resume hint", async () => {
    const child = spawn(bundle, ["watch", "slow-sigint", "--interval", "1"], { env: env() });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (stderr.includes("IN_PROGRESS")) child.kill("SIGINT");
    });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(130);
    expect(stderr).toContain("Resume with: peering-gateway watch slow-sigint");
  });
});
