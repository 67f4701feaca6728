import * as z from "zod/mini";
import { type AtlasRateLimit, parseAtlasRateLimit } from "../domain/atlasBudget.js";
import type { CadencePolicy } from "../domain/change/cadence.js";
import { type ErrorKind, GatewayError } from "../domain/errors.js";
import { type ConfigIssue, describeConfigIssues } from "./configIssues.js";

/** The configuration is missing something or has a value of the wrong form. */
export class ConfigError extends GatewayError {
  readonly kind: ErrorKind = "misconfigured";
  readonly code = "configuration";
  readonly title = "The gateway's configuration is not valid";
}

const int = (fallback: number, min: number, max: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);

const seconds = (fallback: number) =>
  z._default(z.coerce.number().check(z.positive("must be a positive number")), fallback);

const projectSecretMap = z.pipe(
  z.string(),
  z.transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.issues.push({ code: "custom", message: "must be a JSON object", input: text });
      return z.NEVER;
    }
  }),
);

const schema = z.object({
  ATLAS_SECRET_ID: z.string().check(z.minLength(1)),
  ATLAS_SECRET_IDS_BY_PROJECT: z.optional(
    z.pipe(
      projectSecretMap,
      z.record(z.string().check(z.regex(/^[a-f0-9]{24}$/)), z.string().check(z.minLength(1))),
    ),
  ),
  CALLERS_SECRET_ID: z.string().check(z.minLength(1)),
  // The project policy's secret; unset, or a secret that does not exist: no policy (nothing restricted).
  POLICY_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  ATLAS_BASE_URL: z._default(z.url({ protocol: /^https?$/ }), "https://cloud.mongodb.com"),
  SECRETS_MAX_AGE_SECONDS: int(300, 0, 86_400),
  // The registry decides who may call: a removed token must stop working soon, whatever the keys' cache.
  CALLERS_MAX_AGE_SECONDS: int(60, 0, 60),
  RATE_LIMIT_PER_MINUTE: int(30, 1, 6_000),
  RATE_LIMIT_BURST: int(10, 1, 1_000),
  ATLAS_CONNECT_TIMEOUT_MS: int(5_000, 100, 60_000),
  ATLAS_HEADERS_TIMEOUT_MS: int(15_000, 100, 120_000),
  ATLAS_BODY_TIMEOUT_MS: int(15_000, 100, 120_000),
  ATLAS_MAX_ATTEMPTS: int(4, 1, 10),
  ATLAS_RETRY_BASE_MS: int(250, 1, 60_000),
  ATLAS_RETRY_MAX_MS: int(8_000, 1, 300_000),
  // The Atlas rate budget every container shares: `auto` (sized from Atlas's GET /rateLimits), `off`, or
  // `<capacity>/<refill>/<seconds>` to size it when the key may not read Atlas's figures.
  ATLAS_RATE_BUDGET: z._default(
    z.string().check(
      z.refine((v) => v === "auto" || v === "off" || parseAtlasRateLimit(v) !== undefined, {
        message: "must be auto, off or <capacity>/<refill>/<seconds> (e.g. 100/100/60)",
      }),
    ),
    "auto",
  ),
  ATLAS_RATE_BUDGET_GUARD_MS: int(500, 0, 60_000),
  DEADLINE_MARGIN_MS: int(1_500, 0, 60_000),
  SIGNATURE_TOLERANCE_SECONDS: int(300, 1, 3_600),
  MAX_BODY_BYTES: int(16_384, 256, 1_048_576),
  CHANGES_TABLE: z.string().check(z.minLength(3)),
  SCHEDULE_GROUP: z.string().check(z.minLength(1)),
  RECHECK_FUNCTION_ARN: z.string().check(z.regex(/^arn:/, "must be an ARN")),
  SCHEDULER_ROLE_ARN: z.string().check(z.regex(/^arn:/, "must be an ARN")),
  RECHECK_DLQ_ARN: z.string().check(z.regex(/^arn:/, "must be an ARN")),
  EVENT_BUS_NAME: z._default(z.string().check(z.minLength(1)), "default"),
  // Seconds may be fractional: the local stack runs the same cadence fast.
  RECHECK_DELAY_SECONDS: seconds(60),
  RECHECK_HUMAN_WAIT_MAX_SECONDS: seconds(300),
  CHANGE_DEADLINE_HOURS: seconds(168),
  // Accounts whose VPC peering calls reach the bus (the stack's peerAccountIds): their waits back off further.
  PEER_EVENT_ACCOUNTS: z._default(
    z.string().check(z.regex(/^(\d{12}(,\d{12})*)?$/, "must be comma-separated 12-digit AWS account ids")),
    "",
  ),
  RECHECK_EVENT_COVERED_WAIT_MAX_SECONDS: seconds(1800),
  SWEEP_GRACE_SECONDS: seconds(120),
  // The drift check runs from the sweeper at most this often (the sweeper's own rate bounds it from below).
  DRIFT_CHECK_SECONDS: seconds(3600),
  // Peerings (one Atlas GET each) one drift run compares at most; the rest wait for the next run.
  DRIFT_CHECK_LIMIT: int(25, 1, 1_000),
  SLACK_SIGNING_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  CURSOR_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  AUDIT_RETENTION_DAYS: int(400, 1, 3_650),
  // Hosts a Slack response_url may name. Only Slack's by default; the local stack adds its loopback receiver.
  SLACK_REPLY_HOSTS: z._default(
    z.string().check(z.regex(/^[a-z0-9.-]+(,[a-z0-9.-]+)*$/i)),
    "hooks.slack.com",
  ),
  // Where replies to a hooks.slack.com response_url go instead (the local stack's capture); unset: to Slack.
  SLACK_RESPONSE_BASE_URL: z.optional(z.url({ protocol: /^https?$/ })),
  POWERTOOLS_SERVICE_NAME: z._default(z.string().check(z.minLength(1)), "atlas-peering-gateway"),
  // serverless.yml sets it to the stage (`${sls:stage}`); the local stack runs without it.
  STAGE: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, "must be a stage name (A-Z a-z 0-9 -)")),
  ),
  POWERTOOLS_LOG_LEVEL: z.optional(z.string().check(z.minLength(1))),
});

/** The gateway's configuration, read once from the environment at cold start. */
export interface Config {
  atlasSecretId: string;
  atlasSecretIdsByProject: Record<string, string>;
  callersSecretId: string;
  /** Secrets Manager id of the project policy (cached as the callers registry is); absent: no policy. */
  policySecretId?: string;
  atlasBaseUrl: string;
  secretsMaxAgeSeconds: number;
  /** How long the callers registry is cached (at most 60 s: how long a removed token still works). */
  callersMaxAgeSeconds: number;
  /** Each caller's change token bucket, unless its registry entry has its own `rateLimit`. */
  rateLimit: { perMinute: number; burst: number };
  atlasTimeouts: { connectTimeoutMs: number; headersTimeoutMs: number; bodyTimeoutMs: number };
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  /** The shared Atlas rate budget; absent when `ATLAS_RATE_BUDGET=off`. */
  atlasRateBudget?: { fallback?: AtlasRateLimit; guardMs: number };
  deadlineMarginMs: number;
  signatureToleranceSeconds: number;
  maxBodyBytes: number;
  changesTable: string;
  scheduler: { groupName: string; targetArn: string; roleArn: string; deadLetterArn: string };
  eventBusName: string;
  cadence: CadencePolicy;
  sweepGraceMs: number;
  /** The drift check: how often at most, and how many peerings per run. */
  drift: { everyMs: number; limit: number };
  /** Secrets Manager id of the Slack app's signing secret; Slack commands are refused without it. */
  slackSigningSecretId?: string;
  /**
   * Secrets Manager id of `{"key": "…"}`, the material list cursors are sealed with. Optional so that only
   * paging needs it: without it a listing that has a next page (or is sent a cursor) answers 500.
   */
  cursorSecretId?: string;
  auditRetentionDays: number;
  slackReplyHosts: string[];
  /** Set: a `https://hooks.slack.com/<path>` response_url is posted to `<this>/<path>` (checked as sent). */
  slackResponseBaseUrl?: string;
  logging: { serviceName: string; logLevel?: string };
  /** The deployment stage: a dimension of every metric, so stages sharing an account share no alarm. */
  stage?: string;
}

/**
 * What is wrong with an environment, without building the configuration: `npm run package` runs it over
 * every function's environment in the template (scripts/validate-stack-params.ts), so a bad stack parameter
 * fails the package instead of the first cold start. Empty when {@link loadConfig} would accept it.
 */
export function checkConfig(env: Record<string, string | undefined>): ConfigIssue[] {
  const parsed = schema.safeParse(env);
  return parsed.success ? [] : describeConfigIssues(parsed.error.issues, env);
}

/**
 * Parses the environment. Throws {@link ConfigError} naming every missing or malformed variable, so a bad
 * deployment fails at cold start with a message that says what to fix.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = describeConfigIssues(parsed.error.issues, env);
    throw new ConfigError(
      `Invalid configuration: ${problems.map((p) => `${p.variable}: ${p.message}`).join("; ")}`,
    );
  }
  const e = parsed.data;
  return {
    atlasSecretId: e.ATLAS_SECRET_ID,
    atlasSecretIdsByProject: e.ATLAS_SECRET_IDS_BY_PROJECT ?? {},
    callersSecretId: e.CALLERS_SECRET_ID,
    ...(e.POLICY_SECRET_ID === undefined ? {} : { policySecretId: e.POLICY_SECRET_ID }),
    atlasBaseUrl: e.ATLAS_BASE_URL.replace(/\/+$/, ""),
    secretsMaxAgeSeconds: e.SECRETS_MAX_AGE_SECONDS,
    callersMaxAgeSeconds: e.CALLERS_MAX_AGE_SECONDS,
    rateLimit: { perMinute: e.RATE_LIMIT_PER_MINUTE, burst: e.RATE_LIMIT_BURST },
    atlasTimeouts: {
      connectTimeoutMs: e.ATLAS_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: e.ATLAS_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: e.ATLAS_BODY_TIMEOUT_MS,
    },
    retry: {
      maxAttempts: e.ATLAS_MAX_ATTEMPTS,
      baseDelayMs: e.ATLAS_RETRY_BASE_MS,
      maxDelayMs: e.ATLAS_RETRY_MAX_MS,
    },
    ...atlasRateBudget(e.ATLAS_RATE_BUDGET, e.ATLAS_RATE_BUDGET_GUARD_MS),
    deadlineMarginMs: e.DEADLINE_MARGIN_MS,
    signatureToleranceSeconds: e.SIGNATURE_TOLERANCE_SECONDS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    changesTable: e.CHANGES_TABLE,
    scheduler: {
      groupName: e.SCHEDULE_GROUP,
      targetArn: e.RECHECK_FUNCTION_ARN,
      roleArn: e.SCHEDULER_ROLE_ARN,
      deadLetterArn: e.RECHECK_DLQ_ARN,
    },
    eventBusName: e.EVENT_BUS_NAME,
    cadence: {
      recheckDelayMs: e.RECHECK_DELAY_SECONDS * 1000,
      humanWaitMaxMs: e.RECHECK_HUMAN_WAIT_MAX_SECONDS * 1000,
      deadlineMs: e.CHANGE_DEADLINE_HOURS * 3_600_000,
      ...eventCovered(e.PEER_EVENT_ACCOUNTS, e.RECHECK_EVENT_COVERED_WAIT_MAX_SECONDS),
    },
    sweepGraceMs: e.SWEEP_GRACE_SECONDS * 1000,
    drift: { everyMs: e.DRIFT_CHECK_SECONDS * 1000, limit: e.DRIFT_CHECK_LIMIT },
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    slackReplyHosts: e.SLACK_REPLY_HOSTS.split(","),
    logging: {
      serviceName: e.POWERTOOLS_SERVICE_NAME,
      ...(e.POWERTOOLS_LOG_LEVEL === undefined ? {} : { logLevel: e.POWERTOOLS_LOG_LEVEL }),
    },
    ...(e.SLACK_SIGNING_SECRET_ID === undefined ? {} : { slackSigningSecretId: e.SLACK_SIGNING_SECRET_ID }),
    ...(e.CURSOR_SECRET_ID === undefined ? {} : { cursorSecretId: e.CURSOR_SECRET_ID }),
    ...(e.SLACK_RESPONSE_BASE_URL === undefined
      ? {}
      : { slackResponseBaseUrl: e.SLACK_RESPONSE_BASE_URL.replace(/\/+$/, "") }),
    ...(e.STAGE === undefined ? {} : { stage: e.STAGE }),
  };
}

function atlasRateBudget(setting: string, guardMs: number): Pick<Config, "atlasRateBudget"> {
  if (setting === "off") return {};
  const fallback = setting === "auto" ? undefined : parseAtlasRateLimit(setting);
  return { atlasRateBudget: { guardMs, ...(fallback ? { fallback } : {}) } };
}

function eventCovered(accounts: string, waitMaxSeconds: number): Pick<CadencePolicy, "eventCovered"> {
  const accountIds = accounts.split(",").filter((id) => id !== "");
  return accountIds.length === 0 ? {} : { eventCovered: { accountIds, waitMaxMs: waitMaxSeconds * 1000 } };
}
