import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { hashToken } from "../src/access/signature.js";
import { SecretsManagerCallerDirectory } from "../src/adapters/aws/SecretsManagerCallerDirectory.js";
import { SecretsManagerCredentialSource } from "../src/adapters/aws/SecretsManagerCredentialSource.js";
import { SecretsManagerSecrets } from "../src/adapters/aws/SecretsManagerSecrets.js";
import { type Figure, figure, type Goal } from "./report.js";

const ATLAS_SECRET_ID = "atlas-peering-gateway/bench/atlas";
const CALLERS_SECRET_ID = "atlas-peering-gateway/bench/callers";
const GROUP_ID = "5f1e2d3c4b5a69788796a5b4";
/** SECRETS_MAX_AGE_SECONDS as serverless.yml deploys it. */
const MAX_AGE_SECONDS = 300;

/**
 * Replaces the global clock (`Date.now()` and `new Date()` without arguments) with a simulated one. Powertools'
 * cache (`ExpirableValue`) stamps a value's expiry with `new Date()` and checks it with `Date.now()`, so both
 * must move. Returns the controls; `restore()` puts the real Date back.
 */
function simulatedClock(start: number) {
  const RealDate = Date;
  let now = start;
  class SimulatedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return now;
    }
  }
  globalThis.Date = SimulatedDate as DateConstructor;
  return {
    advance: (ms: number) => {
      now += ms;
    },
    elapsedMs: () => now - start,
    restore: () => {
      globalThis.Date = RealDate;
    },
  };
}

interface Run {
  invocations: number;
  stepMs: number;
  spannedSeconds: number;
  getSecretValueCalls: number;
  bySecret: Record<string, number>;
  naive: number;
}

/**
 * One warm container: the adapters built as `src/wiring/aws.ts` builds them, over a mocked client, then
 * `invocations` invocations that each read the callers registry and the project's Atlas keys (as an HTTP
 * request does), the simulated clock moving `stepMs` per invocation.
 */
async function warmContainer(invocations: number, stepMs: number): Promise<Run> {
  const mock = mockedSecrets();
  const clock = simulatedClock(Date.now());
  try {
    const secrets = new SecretsManagerSecrets({
      client: new SecretsManagerClient({}),
      maxAgeSeconds: MAX_AGE_SECONDS,
    });
    const credentials = new SecretsManagerCredentialSource(secrets, {
      defaultSecretId: ATLAS_SECRET_ID,
      perProject: {},
    });
    const callers = new SecretsManagerCallerDirectory(secrets, CALLERS_SECRET_ID);
    for (let i = 0; i < invocations; i++) {
      const registry = await callers.registry();
      const keys = await credentials.credentialsFor(GROUP_ID);
      if (registry.callers.length !== 2 || !("publicKey" in keys) || keys.publicKey !== "benchpub")
        throw new Error("unexpected secret values");
      clock.advance(stepMs);
    }
    const calls = mock.commandCalls(GetSecretValueCommand);
    const bySecret: Record<string, number> = {};
    for (const c of calls) {
      const id = c.args[0].input.SecretId ?? "?";
      bySecret[id] = (bySecret[id] ?? 0) + 1;
    }
    const spannedSeconds = clock.elapsedMs() / 1000;
    return {
      invocations,
      stepMs,
      spannedSeconds,
      getSecretValueCalls: calls.length,
      bySecret,
      naive: 2 * invocations,
    };
  } finally {
    clock.restore();
    mock.restore();
  }
}

/** Every SecretsManagerClient mocked: the Atlas keys and a callers registry of two callers. */
function mockedSecrets() {
  const mock = mockClient(SecretsManagerClient);
  mock.on(GetSecretValueCommand, { SecretId: ATLAS_SECRET_ID }).resolves({
    SecretString: JSON.stringify({ publicKey: "benchpub", privateKey: "bench-private-key-0a1b2c3d" }),
  });
  mock.on(GetSecretValueCommand, { SecretId: CALLERS_SECRET_ID }).resolves({
    SecretString: JSON.stringify({
      callers: [
        { id: "ci", tokenSha256: [hashToken("bench-token")], projects: [{ groupId: GROUP_ID }] },
        { id: "chatops", tokenSha256: [hashToken("bench-token-2")], projects: [{ groupId: "*" }] },
      ],
    }),
  });
  return mock;
}

export interface SecretsResult {
  figures: Figure[];
  details: Record<string, unknown>;
}

/** GetSecretValue calls for 1000 warm invocations within one cache period, and across several as a check. */
export async function benchSecrets(): Promise<SecretsResult> {
  const within = await warmContainer(1000, 100);
  // The same over 1000 s (several cache periods): shows the simulated clock really reaches the cache.
  const across = await warmContainer(1000, 1000);
  const expectedAcross = 2 * Math.ceil(across.spannedSeconds / MAX_AGE_SECONDS);
  if (across.getSecretValueCalls < 2 * Math.floor(across.spannedSeconds / MAX_AGE_SECONDS)) {
    throw new Error(
      `the cache never expired over ${across.spannedSeconds} s (${across.getSecretValueCalls} calls): the clock override did not reach it`,
    );
  }
  return {
    figures: [
      callsFigure("secrets.getSecretValue.1000warm100s", "over 100 s", within, {
        on: "value",
        max: 2,
        text: "≤ 2 (1 per secret per 300 s)",
      }),
      callsFigure("secrets.getSecretValue.1000warm1000s", "over 1000 s", across, {
        on: "value",
        max: expectedAcross,
        text: `≤ ${expectedAcross} (2 per 300 s)`,
      }),
    ],
    details: { method: METHOD, maxAgeSeconds: MAX_AGE_SECONDS, runs: [within, across] },
  };
}

/** A run's GetSecretValue calls beside what an uncached client would make. */
function callsFigure(id: string, span: string, run: Run, goal: Goal): Figure {
  return figure({
    id,
    label: `GetSecretValue, 1000 warm invocations ${span}`,
    unit: "calls",
    gateway: run.getSecretValueCalls,
    baseline: run.naive,
    baselineLabel: "no cache: 2/invocation",
    goal,
  });
}

const METHOD =
  "SecretsManagerSecrets (maxAgeSeconds 300) + SecretsManagerCredentialSource + SecretsManagerCallerDirectory " +
  "over a SecretsManagerClient mocked with aws-sdk-client-mock; each invocation reads the callers registry " +
  "and the project's Atlas keys once. Powertools' ExpirableValue uses `new Date()` and `Date.now()`, so the " +
  "bench replaces the global Date (both) with a simulated clock for the run, then restores it. The real " +
  "PATCH path reads the keys twice (planning GET and PATCH), both from the same cache.";
