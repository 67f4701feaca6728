import { describe, expect, it } from "vitest";
import { type Command, parseCommand } from "../../../cli/args.js";
import { UsageError } from "../../../cli/usage.js";

const TOKEN = "tok-unit-5f0a9c1e7d2b";
const SECRET = "sec-unit-9b8c7d6e5f4a3b2c";
const ENV = { GATEWAY_TOKEN: TOKEN };
const GROUP = "5f1e2d3c4b5a69788796a5b4";
const PEER = "5f1e2d3c4b5a69788796a5c1";

function usageError(argv: string[], env: Record<string, string | undefined> = ENV): UsageError {
  try {
    parseCommand(argv, env);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected a usage error for ${argv.join(" ")}`);
}

function parsed<K extends Exclude<Command["kind"], "help">>(
  kind: K,
  argv: string[],
  env: Record<string, string | undefined> = ENV,
) {
  const command = parseCommand(argv, env);
  expect(command.kind).toBe(kind);
  return command as Extract<Command, { kind: K }>;
}

describe("parseCommand: submit", () => {
  it("builds an AWS POST body from flags", () => {
    const command = parsed("submit", [
      "submit",
      ...["--group", GROUP, "--peer", PEER, "--provider", "aws", "--container", "c1"],
      ...["--vpc", "vpc-0123456789abcdef0", "--account", "123456789012", "--region", "us-east-1"],
      ...["--cidr", "10.15.0.0/24", "--reason", "widen", "--callback-url", "https://hooks.example/x"],
      ...["--idempotency-key", "k-1"],
    ]);
    expect(command.input).toEqual({
      kind: "body",
      body: {
        groupId: GROUP,
        peerId: PEER,
        reason: "widen",
        callbackUrl: "https://hooks.example/x",
        peering: {
          providerName: "AWS",
          containerId: "c1",
          vpcId: "vpc-0123456789abcdef0",
          awsAccountId: "123456789012",
          accepterRegionName: "us-east-1",
          routeTableCidrBlock: "10.15.0.0/24",
        },
      },
    });
    expect(command.idempotencyKey).toBe("k-1");
    expect(command.wait).toBeUndefined();
  });

  it("maps AZURE and GCP flags to their Atlas fields", () => {
    const azure = parsed("submit", [
      ...["submit", "--group", GROUP, "--peer", PEER, "--provider", "AZURE", "--directory", "d"],
      ...["--subscription", "s", "--resource-group", "rg", "--vnet", "v"],
    ]);
    expect(azure.input.kind === "body" && azure.input.body.peering).toEqual({
      providerName: "AZURE",
      azureDirectoryId: "d",
      azureSubscriptionId: "s",
      resourceGroupName: "rg",
      vnetName: "v",
    });
    const gcp = parsed("submit", [
      ...["submit", "--group", GROUP, "--peer", PEER, "--provider", "GCP"],
      ...["--gcp-project", "p", "--network", "n"],
    ]);
    expect(gcp.input.kind === "body" && gcp.input.body.peering).toEqual({
      providerName: "GCP",
      gcpProjectId: "p",
      networkName: "n",
    });
  });

  it("reads --file with or without --group/--peer", () => {
    expect(parsed("submit", ["submit", "--file", "b.json"]).input).toEqual({
      kind: "file",
      path: "b.json",
      extra: {},
    });
    const withIds = parsed("submit", ["submit", "--file", "b.json", "--group", GROUP, "--peer", PEER]);
    expect(withIds.input).toEqual({ kind: "file", path: "b.json", extra: { groupId: GROUP, peerId: PEER } });
  });

  it("parses --wait, --interval and --timeout", () => {
    const base = ["submit", "--file", "b.json", "--wait"];
    expect(parsed("submit", base).wait).toEqual({ intervalMs: 2000 });
    expect(parsed("submit", [...base, "--interval", "0.5", "--timeout", "15m"]).wait).toEqual({
      intervalMs: 500,
      timeoutMs: 900_000,
    });
    expect(parsed("submit", [...base, "--timeout", "90"]).wait).toEqual({
      intervalMs: 2000,
      timeoutMs: 90_000,
    });
  });

  it.each([
    [["submit", "--peer", PEER, "--container", "c"], /missing --group and --peer/],
    [["submit", "--group", GROUP, "--peer", PEER], /missing peering options/],
    [
      ["submit", "--group", GROUP, "--peer", PEER, "--provider", "IBM", "--container", "c"],
      /AWS, AZURE or GCP/,
    ],
    [
      ["submit", "--group", GROUP, "--peer", PEER, "--provider", "GCP", "--vpc", "v"],
      /--vpc does not apply to GCP peerings/,
    ],
    [
      ["submit", "--group", GROUP, "--peer", PEER, "--provider", "AWS", "--vnet", "v"],
      /--vnet does not apply to AWS peerings/,
    ],
    [
      ["submit", "--group", GROUP, "--peer", PEER, "--vpc", "v", "--vnet", "v"],
      /of AWS and AZURE given together/,
    ],
    [["submit", "--file", "b.json", "--vpc", "v"], /--file cannot be combined/],
    [["submit", "--file", "b.json", "--group", GROUP], /both --group and --peer/],
    [["submit", "--file", "b.json", "--interval", "1"], /only apply with --wait/],
    [["submit", "--file", "b.json", "--wait", "--timeout", "soon"], /--timeout must be a positive duration/],
    [["submit", "--file", "b.json", "--wait", "--interval", "0"], /--interval must be a positive duration/],
    [["submit", "--file", "b.json", "extra"], /no positional arguments/],
    [["submit", "--file", "b.json", "--bogus"], /^unknown option --bogus$/],
    [["submit", "--file", "b.json", "--reason"], /^--reason needs a value$/],
  ])("refuses %j", (argv, message) => {
    const error = usageError(argv);
    expect(error.message).toMatch(message);
    expect(error.line).toBe(`peering-gateway: ${error.message} (see peering-gateway submit --help)`);
  });
});

describe("parseCommand: status, list, cancel", () => {
  it("parses status with --wait and global options after the command", () => {
    const command = parsed("status", [
      "status",
      "chg-1",
      "--wait",
      "--url",
      "https://gw.example/prod/",
      "--json",
    ]);
    expect(command).toMatchObject({ id: "chg-1", wait: { intervalMs: 2000 }, json: true });
    expect(command.connection.url).toBe("https://gw.example/prod");
  });

  it("accepts global options before the command", () => {
    const command = parsed("cancel", ["--url", "http://localhost:9999", "cancel", "chg-2"]);
    expect(command).toMatchObject({ id: "chg-2", connection: { url: "http://localhost:9999" } });
  });

  it("parses list filters", () => {
    const command = parsed("list", [
      ...["list", "--group", GROUP, "--peer", PEER, "--state", "waiting_for_user", "--limit", "5", "--all"],
    ]);
    expect(command.query).toEqual({ groupId: GROUP, peerId: PEER, state: "WAITING_FOR_USER", limit: 5 });
    expect(command.all).toBe(true);
  });

  it.each([
    [["status"], /status takes exactly one change id \(got 0\)/],
    [["cancel", "a", "b"], /cancel takes exactly one change id \(got 2\)/],
    [["list"], /missing --group/],
    [["list", "--group", GROUP, "--state", "DONE"], /--state must be one of/],
    [["list", "--group", GROUP, "--limit", "0"], /--limit must be a positive integer/],
    [["list", "--group", GROUP, "--limit", "2.5"], /--limit must be a positive integer/],
    [["status", "x", "--url", "ftp://gw"], /must be an http\(s\) URL/],
    [["status", "x", "--url", "https://me:pw@gw.example"], /without a user or password/],
    [["status", "x", "--url", "not a url"], /must be an http\(s\) URL/],
    [["frobnicate"], /unknown command/],
    [[], /missing command/],
  ])("refuses %j", (argv, message) => {
    expect(usageError(argv).message).toMatch(message);
  });
});

describe("parseCommand: help", () => {
  it.each([
    [["--help"], "Usage: peering-gateway <command>"],
    [["help"], "Usage: peering-gateway <command>"],
    [["help", "list"], "Usage: peering-gateway list"],
    [["submit", "--help"], "Usage: peering-gateway submit"],
    [["status", "-h"], "Usage: peering-gateway status"],
    [["cancel", "--help"], "Usage: peering-gateway cancel"],
  ])("%j shows help without needing credentials", (argv, heading) => {
    const command = parseCommand(argv, {});
    expect(command.kind).toBe("help");
    expect(command.kind === "help" && command.text).toContain(heading);
  });
});

describe("parseCommand: credentials", () => {
  it("takes a bearer token from the environment, or from --token over it", () => {
    expect(parsed("status", ["status", "x"]).connection.auth).toEqual({ kind: "bearer", token: TOKEN });
    const flag = parsed("status", ["status", "x", "--token", "other-token"]);
    expect(flag.connection.auth).toEqual({ kind: "bearer", token: "other-token" });
  });

  it("signs with --caller/--signing-secret, or with the environment", () => {
    const flags = parsed("status", ["status", "x", "--caller", "ci", "--signing-secret", SECRET]);
    expect(flags.connection.auth).toEqual({ kind: "signed", caller: "ci", secret: SECRET });
    const env = { GATEWAY_CALLER: "ci", GATEWAY_SIGNING_SECRET: SECRET };
    expect(parsed("status", ["status", "x"], env).connection.auth).toEqual({
      kind: "signed",
      caller: "ci",
      secret: SECRET,
    });
    // Explicit signing flags win over a token in the environment.
    const both = parsed("status", ["status", "x", "--caller", "ci", "--signing-secret", SECRET], ENV);
    expect(both.connection.auth.kind).toBe("signed");
  });

  it("defaults the URL and reads GATEWAY_URL", () => {
    expect(parsed("status", ["status", "x"]).connection.url).toBe("http://127.0.0.1:3000");
    const env = { ...ENV, GATEWAY_URL: "https://gw.example" };
    expect(parsed("status", ["status", "x"], env).connection.url).toBe("https://gw.example");
  });

  it.each([
    [["status", "x"], {}, /no credentials/],
    [["status", "x", "--caller", "ci"], {}, /need both --caller and --signing-secret/],
    [["status", "x"], { GATEWAY_SIGNING_SECRET: SECRET }, /need both/],
    [["status", "x", "--token", TOKEN, "--signing-secret", SECRET], {}, /not both/],
  ])("refuses %j with %j", (argv, env, message) => {
    const error = usageError(argv, env);
    expect(error.message).toMatch(message);
    // Neither the message nor the usage it prints may show a credential.
    for (const text of [error.message, error.line]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(SECRET);
    }
  });

  it("never repeats a value given to a mistyped option", () => {
    const error = usageError(["status", "x", `--tokn=${TOKEN}`]);
    expect(error.message).toContain("--tokn");
    expect(error.message).not.toContain(TOKEN);
  });
});

describe("parseCommand: partial changes, plan, watch, peers, audit", () => {
  it("sends only the fields given: --cidr alone, no providerName unless --provider", () => {
    const command = parsed("submit", ["submit", "--group", GROUP, "--peer", PEER, "--cidr", "10.9.0.0/21"]);
    expect(command.input).toEqual({
      kind: "body",
      body: { groupId: GROUP, peerId: PEER, peering: { routeTableCidrBlock: "10.9.0.0/21" } },
    });
    const azure = parsed("plan", ["plan", "--group", GROUP, "--peer", PEER, "--vnet", "v2"]);
    expect(azure.input).toEqual({
      kind: "body",
      body: { groupId: GROUP, peerId: PEER, peering: { vnetName: "v2" } },
    });
  });

  it("takes the project from the Atlas CLI's environment, and --json from its output setting", () => {
    const atlasEnv = { ...ENV, MONGODB_ATLAS_PROJECT_ID: GROUP, MONGODB_ATLAS_OUTPUT: "json" };
    const list = parsed("list", ["list"], atlasEnv);
    expect(list).toMatchObject({ query: { groupId: GROUP }, json: true });
    const mcli = parsed("audit", ["audit"], { ...ENV, MCLI_PROJECT_ID: GROUP, MCLI_OUTPUT: "json" });
    expect(mcli).toMatchObject({ query: { groupId: GROUP }, json: true });
    // The Atlas family decides when both are set, as in the Atlas CLI.
    const both = parsed("list", ["list"], { ...atlasEnv, MONGODB_ATLAS_OUTPUT: "", MCLI_OUTPUT: "json" });
    expect(both.json).toBe(true);
    const human = parsed("list", ["list"], { ...atlasEnv, MONGODB_ATLAS_OUTPUT: "go-template" });
    expect(human.json).toBe(false);
    // --group wins over the environment.
    const flag = parsed("list", ["list", "--group", PEER], atlasEnv);
    expect(flag.query.groupId).toBe(PEER);
    // A whole-body --file names its own project: the environment's is not added.
    const file = parsed("submit", ["submit", "--file", "b.json"], atlasEnv);
    expect(file.input).toEqual({ kind: "file", path: "b.json", extra: {} });
  });

  it("parses watch, peers list/get and audit", () => {
    expect(parsed("watch", ["watch", "chg-1", "--interval", "10"])).toMatchObject({
      id: "chg-1",
      wait: { intervalMs: 10_000 },
    });
    expect(parsed("peers-list", ["peers", "list", "--group", GROUP, "--provider", "gcp"])).toMatchObject({
      query: { groupId: GROUP, provider: "GCP" },
    });
    // --q and --find are one option under two names: the id to find a peering by.
    for (const flag of ["--q", "--find"]) {
      expect(parsed("peers-list", ["peers", "list", "--group", GROUP, flag, "pcx-0a1b"]).query).toEqual({
        groupId: GROUP,
        q: "pcx-0a1b",
      });
    }
    expect(parsed("peers-get", ["peers", "get", "--group", GROUP, PEER])).toMatchObject({ peerId: PEER });
    expect(parsed("audit", ["audit", "--group", GROUP, "--since", "2026-11-01", "--all"])).toMatchObject({
      query: { groupId: GROUP, since: "2026-11-01" },
      all: true,
    });
  });

  it.each([
    [["watch"], "watch", /watch takes exactly one change id/],
    [["watch", "x", "--wait"], "watch", /unknown option --wait/],
    [["peers"], "peers", /peers needs list or get/],
    [["peers", "list"], "peers list", /missing --group \(or MONGODB_ATLAS_PROJECT_ID\)/],
    [["peers", "get", "--group", GROUP], "peers get", /needs one --peer/],
    [["peers", "list", "--group", GROUP, "--provider", "IBM"], "peers list", /AWS, AZURE or GCP/],
    [["peers", "list", "--group", GROUP, "--q", "a", "--find", "b"], "peers list", /--q or --find, not both/],
    [["peers", "list", "--group", GROUP, "--page", "2"], "peers list", /unknown option --page/],
    [["audit", "--group", GROUP, "--limit", "x"], "audit", /--limit must be a positive integer/],
    [["plan", "--group", GROUP, "--peer", PEER], "plan", /missing peering options/],
  ])("refuses %j with a hint at %s --help", (argv, command, message) => {
    const error = usageError(argv);
    expect(error.message).toMatch(message);
    expect(error.line).toContain(`(see peering-gateway ${command} --help)`);
  });

  it("answers --version and help for the new commands without credentials", () => {
    expect(parseCommand(["--version"], {})).toEqual({ kind: "version" });
    expect(parseCommand(["peers", "--help"], {})).toMatchObject({ kind: "help" });
    const help = parseCommand(["help", "watch"], {});
    expect(help.kind === "help" && help.text).toContain("Usage: peering-gateway watch");
  });
});
