import { readdir } from "node:fs/promises";
import { STATUS_CODES } from "node:http";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { CallerRegistryError } from "../../../src/access/callers.js";
import { AuthenticationError, ForbiddenError } from "../../../src/access/errors.js";
import { SecretUnavailableError } from "../../../src/adapters/aws/SecretsManagerSecrets.js";
import { ATLAS_ERROR_CODES } from "../../../src/channels/common/atlasProblem.js";
import {
  MalformedJsonError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
} from "../../../src/channels/common/errors.js";
import { JsonShapeError } from "../../../src/channels/common/jsonLimits.js";
import { describeProblem, toProblemResponse } from "../../../src/channels/common/problem.js";
import { EVENT_DECISION_BY_KIND } from "../../../src/channels/eventbridge/answers.js";
import { SLACK_ANSWER_BY_KIND, slackRefusalText } from "../../../src/channels/slack/answers.js";
import { AccepterAccountsError } from "../../../src/domain/accepter/accounts.js";
import { ERROR_KINDS, GatewayError } from "../../../src/domain/errors.js";
import { ATLAS_VIOLATION_CODES } from "../../../src/domain/peering/atlasErrorCodes.js";
import {
  OverlappingAtlasCidrBlockError,
  OverlappingCidrBlockError,
  PolicyRefusedError,
} from "../../../src/domain/policy/errors.js";
import { RequestValidationError } from "../../../src/domain/validation.js";
import {
  AtlasCredentialsError,
  AtlasCredentialsRefusedError,
} from "../../../src/ports/AtlasCredentialSource.js";
import {
  AtlasUnavailableError,
  DigestError,
  TokenEndpointError,
} from "../../../src/ports/AtlasPeeringApi.js";
import { AtlasBudgetEmptyError } from "../../../src/ports/AtlasRateBudget.js";
import { EventPublishError } from "../../../src/ports/ChangeNotifications.js";
import {
  ChangeAlreadyExistsError,
  ChangeStoreError,
  InvalidChangeCursorError,
} from "../../../src/ports/ChangeStore.js";
import { CursorKeyError } from "../../../src/ports/CursorSealer.js";
import { ResponseTooLargeError, TransportError } from "../../../src/ports/HttpTransport.js";
import { PolicyUnavailableError } from "../../../src/ports/ProjectPolicySource.js";
import { SchedulingError } from "../../../src/ports/RecheckScheduler.js";
import { SlackSecretError } from "../../../src/ports/SlackSigningSecrets.js";
import { ChangeRateLimitedError } from "../../../src/usecases/changeRate.js";
import { PeerNotFoundError, PeerUnreadableError } from "../../../src/usecases/completePeering.js";
import {
  CallbackNotAllowedError,
  ChangeBusyError,
  ChangeEndedError,
  ChangeInFlightError,
  ChangeNotFoundError,
  ChangeRefusedError,
  ChangeSendingError,
  IdempotencyKeyReusedError,
} from "../../../src/usecases/errors.js";
import { PeerListUnreadableError, ReadCredentialsRefusedError } from "../../../src/usecases/readPeers.js";
import { ConfigError } from "../../../src/wiring/config.js";
import { goSdkDecode, goSdkIsErrorCode } from "../channels/http/goSdkError.js";

const SRC = join(import.meta.dirname, "../../../src");

/** One instance of every error class the gateway raises (a new class must be added here to pass). */
const SAMPLES: Record<string, () => GatewayError> = {
  AuthenticationError: () => new AuthenticationError("no credentials"),
  ChangeRateLimitedError: () => new ChangeRateLimitedError("ci-pipeline", 2_500),
  ForbiddenError: () => new ForbiddenError("not this project"),
  CallerRegistryError: () => new CallerRegistryError("callers secret malformed"),
  SecretUnavailableError: () => new SecretUnavailableError("unreadable", "secret x could not be read"),
  MalformedJsonError: () => new MalformedJsonError("bad JSON"),
  MethodNotAllowedError: () => new MethodNotAllowedError(["PATCH"]),
  PayloadTooLargeError: () => new PayloadTooLargeError("too big"),
  RouteNotFoundError: () => new RouteNotFoundError("nothing here"),
  UnsupportedMediaTypeError: () => new UnsupportedMediaTypeError("text/plain"),
  JsonShapeError: () => new JsonShapeError([{ path: "body.vpcId", message: "is given more than once" }]),
  RequestValidationError: () => new RequestValidationError([{ path: "vpcId", message: "is not a VPC id" }]),
  AtlasCredentialsError: () => new AtlasCredentialsError("missing", "secret x does not exist"),
  AtlasCredentialsRefusedError: () => new AtlasCredentialsRefusedError("5f1e2d3c4b5a69788796a5b4", 401),
  AtlasUnavailableError: () => new AtlasUnavailableError("Atlas could not be reached", 503, 4),
  DigestError: () => new DigestError("unsupported algorithm"),
  AtlasBudgetEmptyError: () => new AtlasBudgetEmptyError(1_764_331_260_000, 1_764_331_200_000),
  TokenEndpointError: () => new TokenEndpointError("refused", "TOKEN_REFUSED", false, 401),
  EventPublishError: () => new EventPublishError("bus failed"),
  ChangeStoreError: () => new ChangeStoreError("GetItem failed"),
  ChangeAlreadyExistsError: () => new ChangeAlreadyExistsError(),
  InvalidChangeCursorError: () => new InvalidChangeCursorError(),
  CursorKeyError: () => new CursorKeyError("misconfigured", "CURSOR_SECRET_ID is not set"),
  TransportError: () => new TransportError("ECONNRESET", { code: "ECONNRESET", retryable: true }),
  ResponseTooLargeError: () =>
    new ResponseTooLargeError("too large", { status: 200, headers: {}, bytesRead: 70_000 }),
  SchedulingError: () => new SchedulingError("CreateSchedule failed"),
  SlackSecretError: () => new SlackSecretError("missing", "gw/slack", "secret gw/slack does not exist"),
  CallbackNotAllowedError: () => new CallbackNotAllowedError("host not allowed"),
  ChangeBusyError: () => new ChangeBusyError("chg-1"),
  ChangeSendingError: () => new ChangeSendingError("chg-1", 1_764_331_260_000),
  ChangeEndedError: () => new ChangeEndedError("chg-1", "SUCCEEDED"),
  ChangeInFlightError: () => new ChangeInFlightError("chg-1"),
  ChangeNotFoundError: () => new ChangeNotFoundError("chg-1"),
  ChangeRefusedError: () => new ChangeRefusedError("Azure fields cannot change"),
  IdempotencyKeyReusedError: () => new IdempotencyKeyReusedError("chg-1"),
  ConfigError: () => new ConfigError("CHANGES_TABLE: required"),
  PeerListUnreadableError: () => new PeerListUnreadableError("the list is no list"),
  ReadCredentialsRefusedError: () => new ReadCredentialsRefusedError("5f1e2d3c4b5a69788796a5b4", 401),
  PeerNotFoundError: () => new PeerNotFoundError("5f1e2d3c4b5a69788796a5b4", "5f1e2d3c4b5a69788796a5c9"),
  PeerUnreadableError: () => new PeerUnreadableError("5f1e2d3c4b5a69788796a5c9", "Atlas answered 503"),
  AccepterAccountsError: () => new AccepterAccountsError("awsAccounts.111122223333.roleArn: is required"),
  PolicyUnavailableError: () => new PolicyUnavailableError("malformed", "projects.*.aws.cidr: unknown key"),
  PolicyRefusedError: () =>
    new PolicyRefusedError([
      {
        path: "peering.routeTableCidrBlock",
        value: "192.168.10.0/24",
        rule: "projects.*.aws.cidrs",
        allowed: ["10.0.0.0/8"],
        message:
          "peering.routeTableCidrBlock: 192.168.10.0/24 is outside the project's allowed CIDRs (policy projects.*.aws.cidrs: 10.0.0.0/8)",
      },
    ]),
  OverlappingCidrBlockError: () =>
    new OverlappingCidrBlockError({
      path: "routeTableCidrBlock",
      cidr: "10.8.0.0/24",
      findings: [{ kind: "peer", peerId: "5f1e2d3c4b5a69788796a5c9", cidr: "10.8.0.0/21" }],
    }),
  OverlappingAtlasCidrBlockError: () =>
    new OverlappingAtlasCidrBlockError({
      path: "routeTableCidrBlock",
      cidr: "192.168.248.0/24",
      findings: [{ kind: "atlas", containerId: "5f1e2d3c4b5a69788796a5d1", cidr: "192.168.248.0/21" }],
    }),
};
/** Bases that are never thrown themselves. */
const ABSTRACT = new Set(["HttpProblemError", "SecretProblemError", "GuardrailRefusal"]);
const CALLERS_FAULT = new Set([
  "invalid",
  "unauthenticated",
  "forbidden",
  "not-found",
  "conflict",
  "refused",
  "rate-limited",
]);

/** A drop-in route: errors there carry Atlas's ApiError members. */
const DROP_IN = "/api/atlas/v2/groups/5f1e2d3c4b5a69788796a5b4/peers/5f1e2d3c4b5a69788796a5c1";
/** Gateway codes for a request Atlas would refuse itself, and the Atlas codes they may be answered with. */
const REQUEST_FAULTS = new Set([
  "validation",
  "malformed-json",
  "json-shape",
  "overlapping-cidr-block",
  "overlapping-atlas-cidr-block",
]);
const ATLAS_OWN: readonly string[] = [
  ...ATLAS_VIOLATION_CODES,
  "MALFORMED_JSON",
  "OVERLAPPING_CIDR_BLOCK",
  "OVERLAPPING_ATLAS_CIDR_BLOCK",
];

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  );
  return nested.flat().filter((file) => file.endsWith(".ts"));
}

/** Every exported class of src/ that extends GatewayError, by name, with the file that exports it. */
async function errorClasses(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const file of await sourceFiles(SRC)) {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === "function" && value.prototype instanceof GatewayError && !ABSTRACT.has(name)) {
        found.set(name, relative(SRC, file));
      }
    }
  }
  return found;
}

describe("errors by kind", () => {
  it("every error class of src/ has a sample here, so none can skip the checks below", async () => {
    const classes = await errorClasses();
    const missing = [...classes].filter(([name]) => !(name in SAMPLES));
    expect(missing.map(([name, file]) => `${name} (${file})`)).toEqual([]);
    expect(classes.size).toBe(Object.keys(SAMPLES).length);
  }, 30_000);

  it.each(Object.entries(SAMPLES))("%s has a kind, a stable code and a title", (_name, make) => {
    const error = make();
    expect(ERROR_KINDS).toContain(error.kind);
    expect(error.code).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(error.title.length).toBeGreaterThan(3);
  });

  it.each(Object.entries(SAMPLES))(
    "%s is answered by every channel, never as an unmapped 500",
    (_n, make) => {
      const error = make();
      const problem = describeProblem(error);
      expect(problem.slug).toBe(error.code);
      if (CALLERS_FAULT.has(error.kind)) expect(problem.status).toBeLessThan(500);
      else expect(problem.status).toBeGreaterThanOrEqual(500);
      expect(SLACK_ANSWER_BY_KIND[error.kind]).toBeDefined();
      if (SLACK_ANSWER_BY_KIND[error.kind] === "tell") expect(slackRefusalText(error)).toContain(error.title);
      expect(EVENT_DECISION_BY_KIND[error.kind]).toBe(CALLERS_FAULT.has(error.kind) ? "reject" : "retry");
    },
  );

  it.each(Object.entries(SAMPLES))(
    "%s is answered Atlas-shaped on a drop-in route, as the Go SDK decodes it",
    (_n, make) => {
      const error = make();
      // In the table itself, not left to the by-kind fallback: the errorCode is a public contract.
      expect(ATLAS_ERROR_CODES[error.code]).toMatch(/^[A-Z][A-Z0-9_]*$/);
      const answer = toProblemResponse(error, { requestId: "req-1", instance: DROP_IN });
      const type = answer.headers["content-type"];
      expect(goSdkDecode(type, answer.body)).toHaveProperty("model");
      const body = JSON.parse(answer.body);
      expect(body).toMatchObject({
        error: answer.statusCode,
        errorCode: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/),
        reason: STATUS_CODES[answer.statusCode],
        detail: expect.any(String),
        parameters: expect.any(Array),
        type: `https://atlas-peering-gateway.dev/problems/${error.code}`,
        title: error.title,
        status: answer.statusCode,
        instance: DROP_IN,
        requestId: "req-1",
      });
      expect(goSdkIsErrorCode(type, answer.body, body.errorCode)).toBe(true);
      // Only a request Atlas would refuse itself gets Atlas's code; anything else is the gateway's own.
      if (REQUEST_FAULTS.has(error.code)) expect(ATLAS_OWN).toContain(body.errorCode);
      else expect(body.errorCode).toMatch(/^GATEWAY_/);
      expect(describeProblem(error).extensions ?? {}).not.toHaveProperty("errorCode");
    },
  );

  it("keeps the gateway's own failures off the caller: Atlas keys refused and the store down are 5xx", () => {
    expect(describeProblem(new AtlasCredentialsError("malformed", "bad keys")).status).toBe(500);
    expect(describeProblem(new ChangeStoreError("down")).status).toBe(503);
    expect(describeProblem(new AtlasUnavailableError("no answer", undefined, 4)).status).toBe(504);
    expect(describeProblem(new Error("bug")).slug).toBe("internal");
  });
});
