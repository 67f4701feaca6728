import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { SecretsManagerPolicySource } from "../../../src/adapters/aws/SecretsManagerPolicySource.js";
import { SecretsManagerSecrets } from "../../../src/adapters/aws/SecretsManagerSecrets.js";
import { describeProblem } from "../../../src/channels/common/problem.js";
import { PolicyUnavailableError } from "../../../src/ports/ProjectPolicySource.js";

const sm = mockClient(SecretsManagerClient);
const SECRET = "gw/policy";

function source(secretId: string | null = SECRET, clock = { now: 1_000_000 }) {
  const secrets = new SecretsManagerSecrets({ client: new SecretsManagerClient({}), maxAgeSeconds: 0 });
  return new SecretsManagerPolicySource(secrets, secretId ?? undefined, {
    maxAgeSeconds: 60,
    now: () => clock.now,
  });
}

function awsError(name: string): Error {
  return Object.assign(new Error(name), { name });
}

async function failure(promise: Promise<unknown>): Promise<PolicyUnavailableError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PolicyUnavailableError);
  return error as PolicyUnavailableError;
}

describe("the project policy from Secrets Manager", () => {
  beforeEach(() => sm.reset());

  it("reads and validates the policy", async () => {
    const policy = { projects: { "*": { aws: { cidrs: ["10.0.0.0/8"] } } } };
    sm.on(GetSecretValueCommand, { SecretId: SECRET }).resolves({ SecretString: JSON.stringify(policy) });
    expect(await source().policy()).toEqual(policy);
  });

  it("is no policy when unset, or when the secret does not exist (remembered for the cache's age)", async () => {
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: "nope", $metadata: {} }));
    expect(await source(null).policy()).toBeUndefined();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    const clock = { now: 1_000_000 };
    const absent = source(SECRET, clock);
    expect(await absent.policy()).toBeUndefined();
    expect(await absent.policy()).toBeUndefined();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    clock.now += 61_000;
    expect(await absent.policy()).toBeUndefined();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("is the gateway's 500 when the policy is invalid, naming the bad key for the log only", async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: '{"projects":{"*":{"aws":{"cidr":["10.0.0.0/8"]}}}}',
    });
    const error = await failure(source().policy());
    expect(error.message).toContain("projects.*.aws.cidr: unknown key");
    const problem = describeProblem(error);
    expect(problem.status).toBe(500);
    expect(problem.detail).not.toContain("cidr");
  });

  it("is the gateway's 500 when it may not read the secret, 503 while AWS fails", async () => {
    sm.on(GetSecretValueCommand).rejects(awsError("AccessDeniedException"));
    expect(describeProblem(await failure(source().policy())).status).toBe(500);
    sm.reset();
    sm.on(GetSecretValueCommand).rejects(awsError("ThrottlingException"));
    expect(describeProblem(await failure(source().policy())).status).toBe(503);
  });
});
