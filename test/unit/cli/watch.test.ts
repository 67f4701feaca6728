import { describe, expect, it } from "vitest";
import { type MainIo, main } from "../../../cli/main.js";
import type { ChangeView } from "../../../src/domain/change/view.js";
import { changeAfter, GROUP, PCX, PEER, submitAnswer, T0 } from "./changeViews.js";

const TOKEN = "tok-watch-unit-1a2b3c4d";
const CLEAR = "\r\x1b[2K";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  requests: { method: string; url: string; body?: string }[];
}

/**
 * Runs `main` against a scripted gateway: POST answers `post` (or waits for `hold`), each GET the next view
 * of `gets` (the last one sticks). The clock starts at the change's creation and only sleeping moves it.
 */
async function cli(
  argv: string[],
  script: { post?: ChangeView; gets?: ChangeView[]; status?: number; problem?: unknown },
  options: { isTTY?: boolean; onSleep?: (clock: number) => void; extra?: Partial<MainIo> } = {},
): Promise<Run> {
  let clock = T0;
  const run: Run = { code: -1, stdout: "", stderr: "", requests: [] };
  const gets = [...(script.gets ?? [])];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    run.requests.push({ method, url: String(url), ...(init?.body ? { body: String(init.body) } : {}) });
    if (script.status) return json(script.status, script.problem);
    if (method === "POST") return json(202, submitAnswer(script.post as ChangeView));
    const view = gets.length > 1 ? gets.shift() : gets[0];
    return json(200, view);
  };
  run.code = await main(argv, {
    stdout: (s) => (run.stdout += s),
    stderr: (s) => (run.stderr += s),
    isTTY: options.isTTY ?? false,
    env: { GATEWAY_URL: "http://gw.test", GATEWAY_TOKEN: TOKEN },
    fetch: fetch as typeof globalThis.fetch,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
      options.onSleep?.(clock);
    },
    every: () => () => {},
    ...options.extra,
  });
  expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN);
  return run;
}

function json(status: number, body: unknown): Response {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(JSON.stringify(body), { status, headers: { "content-type": type } });
}

const SUBMIT = ["submit", "--group", GROUP, "--peer", PEER, "--cidr", "10.9.0.0/21", "--wait"];

describe("submit --wait in a log (not a terminal)", () => {
  it("prints the id first, then every transition once and in order, even a wait shorter than the interval", async () => {
    const run = await cli([...SUBMIT, "--interval", "10"], { post: changeAfter(2), gets: [changeAfter(5)] });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.requests[0]?.body ?? "")).toEqual({
      groupId: GROUP,
      peerId: PEER,
      peering: { routeTableCidrBlock: "10.9.0.0/21" },
    });
    expect(run.stdout.split("\n")[0]).toBe("Change chg-1 submitted (IN_PROGRESS)");
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toEqual([
      "  +0:00  RETRYING · received via http",
      "  +0:01  IN_PROGRESS · Atlas INITIATING",
      "  +0:03  WAITING_FOR_USER · Atlas PENDING_ACCEPTANCE",
      expect.stringMatching(
        new RegExp(`^ {9}A person's step was needed \\(now done\\): Accept VPC peering connection ${PCX}`),
      ),
      "  +0:06  IN_PROGRESS · Atlas FINALIZING",
      "  +0:08  SUCCEEDED · Atlas AVAILABLE",
    ]);
    expect(run.stderr).not.toContain("\r");
    expect(run.stdout).toContain("Change chg-1: SUCCEEDED");
    expect(run.stdout).toContain("Took 0:08 (waiting for a person 0:03).");
  });

  it("shows the next action once when it sees the wait, with its commands, however many checks it takes", async () => {
    const waiting = changeAfter(3);
    const run = await cli([...SUBMIT, "--interval", "1"], {
      post: changeAfter(2),
      gets: [waiting, { ...waiting, attempt: 4 }, { ...waiting, attempt: 5 }, changeAfter(5)],
    });
    expect(run.code).toBe(0);
    const actions = run.stderr.split("\n").filter((line) => line.includes("Action needed"));
    expect(actions).toEqual([`         Action needed: ${waiting.nextAction}`]);
    expect(run.stderr).toContain(
      `\n           aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${PCX}\n`,
    );
    expect(run.stderr).not.toContain("now done");
  });

  it("exits 1 when the change fails, and when --timeout passes (with how to resume)", async () => {
    const failed = changeAfter(2, { state: "FAILED", remediation: "Send the change again." });
    expect((await cli([...SUBMIT], { post: changeAfter(2), gets: [failed] })).code).toBe(1);
    const slow = await cli([...SUBMIT, "--timeout", "5"], { post: changeAfter(2), gets: [changeAfter(2)] });
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain("Stopped waiting after 0:05; the change is still IN_PROGRESS");
    expect(slow.stderr).toContain("Resume with: peering-gateway watch chg-1");
  });
});

describe("watch on a terminal", () => {
  it("rewrites one status line whose clock ticks every second, and says check N", async () => {
    const run = await cli(
      ["watch", "chg-1", "--interval", "3"],
      { gets: [changeAfter(2), changeAfter(5)] },
      { isTTY: true },
    );
    expect(run.code).toBe(0);
    const drawn = run.stderr.split(CLEAR).filter(Boolean);
    const ticks = drawn.filter((s) => s.startsWith("IN_PROGRESS · Atlas INITIATING · check 2"));
    expect(ticks).toEqual([
      "IN_PROGRESS · Atlas INITIATING · check 2 · 0:00",
      "IN_PROGRESS · Atlas INITIATING · check 2 · 0:01",
      "IN_PROGRESS · Atlas INITIATING · check 2 · 0:02",
      "IN_PROGRESS · Atlas INITIATING · check 2 · 0:03",
    ]);
    expect(run.stderr).not.toMatch(/attempt/);
    // The line is wiped before the summary: nothing is left half-drawn.
    expect(run.stderr.endsWith(CLEAR)).toBe(true);
    expect(run.stdout.split("\n")[0]).toBe("Change chg-1");
  });

  it("on Ctrl-C clears the line, says how to resume and exits 130", async () => {
    const interrupt = new AbortController();
    const run = await cli(
      ["watch", "chg-1"],
      { gets: [changeAfter(3)] },
      {
        isTTY: true,
        onSleep: (clock) => clock >= T0 + 5000 && interrupt.abort(),
        extra: { signal: interrupt.signal },
      },
    );
    expect(run.code).toBe(130);
    expect(
      run.stderr.endsWith(
        `${CLEAR}Stopped watching change chg-1; the gateway keeps following it. Resume with: peering-gateway watch chg-1\n`,
      ),
    ).toBe(true);
    expect(run.requests.length).toBeLessThanOrEqual(4);
    expect(run.stdout).toBe("Change chg-1\n");
  });

  it("on Ctrl-C with --json also says so as JSON on stdout", async () => {
    const interrupt = new AbortController();
    const run = await cli(
      ["watch", "chg-1", "--json"],
      { gets: [changeAfter(3)] },
      { onSleep: () => interrupt.abort(), extra: { signal: interrupt.signal } },
    );
    expect(run.code).toBe(130);
    expect(JSON.parse(run.stdout)).toMatchObject({ title: "Interrupted", changeRequestId: "chg-1" });
  });
});

describe("submit while the POST is in flight", () => {
  it("ticks `sending… Ns` on a terminal until the gateway answers, then prints the id", async () => {
    let tick = () => {};
    let answer: (response: Response) => void = () => {};
    let clock = T0;
    let stderr = "";
    let stdout = "";
    const running = main([...SUBMIT.slice(0, -1)], {
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      isTTY: true,
      env: { GATEWAY_URL: "http://gw.test", GATEWAY_TOKEN: TOKEN },
      now: () => clock,
      every: (_ms, fn) => {
        tick = fn;
        return () => (tick = () => {});
      },
      fetch: (() => new Promise<Response>((resolve) => (answer = resolve))) as typeof fetch,
    });
    await new Promise((resolve) => setImmediate(resolve));
    for (let second = 0; second < 3; second++) {
      clock += 1000;
      tick();
    }
    answer(json(202, submitAnswer(changeAfter(2))));
    expect(await running).toBe(0);
    expect(stderr).toBe(
      `${CLEAR}sending… 0s${CLEAR}sending… 1s${CLEAR}sending… 2s${CLEAR}sending… 3s${CLEAR}`,
    );
    expect(stdout.split("\n")[0]).toBe("Change chg-1: IN_PROGRESS");
  });

  it("on Ctrl-C while sending exits 130 and says where to look", async () => {
    const interrupt = new AbortController();
    const fetch = ((_url: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        interrupt.abort();
      })) as unknown as typeof globalThis.fetch;
    const run = await cli(SUBMIT, {}, { extra: { fetch, signal: interrupt.signal } });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain(`Check with: peering-gateway list --group ${GROUP} --peer ${PEER}`);
  });
});

describe("--json errors and status", () => {
  it("prints the gateway's problem as JSON on stdout and exits 3", async () => {
    const problem = {
      type: "about:blank",
      title: "Forbidden",
      status: 403,
      detail: `Caller ci may not read project ${GROUP}.`,
    };
    const run = await cli(["list", "--group", GROUP, "--json"], { status: 403, problem });
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toEqual(problem);
    expect(run.stderr).toBe("");
  });

  it("prints a usage error as one line, or as JSON with --json, exit 2", async () => {
    const line = await cli(["submit", "--x"], {});
    expect(line).toMatchObject({ code: 2, stdout: "" });
    expect(line.stderr).toBe("peering-gateway: unknown option --x (see peering-gateway submit --help)\n");
    const json = await cli(["submit", "--x", "--json"], {});
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ title: "Invalid command line", detail: "unknown option --x" });
  });

  it("prints status with its timeline", async () => {
    const run = await cli(["status", "chg-1"], { gets: [changeAfter(5)] });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("  Timeline (UTC, 2026-11-28):\n    12:00:00  RETRYING");
    expect(run.stdout).toContain("  Took 0:08 (waiting for a person 0:03).\n");
  });
});
