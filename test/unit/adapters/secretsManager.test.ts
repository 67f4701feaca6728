import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CallerRegistryError } from "../../../src/access/callers.js";
import { SecretsManagerCallerDirectory } from "../../../src/adapters/aws/SecretsManagerCallerDirectory.js";
import { SecretsManagerCredentialSource } from "../../../src/adapters/aws/SecretsManagerCredentialSource.js";
import { SecretsManagerSecrets } from "../../../src/adapters/aws/SecretsManagerSecrets.js";
import { AtlasCredentialsError } from "../../../src/ports/AtlasCredentialSource.js";

const GROUP = "5f1e2d3c4b5a69788796a5b4";
const PRIVATE = "sm-test-private-key-9f8e7d";
const sm = mockClient(SecretsManagerClient);

function source(perProject: Record<string, string> = {}) {
  const secrets = new SecretsManagerSecrets({
    client: new SecretsManagerClient({ region: "eu-west-1" }),
    maxAgeSeconds: 300,
  });
  return new SecretsManagerCredentialSource(secrets, { defaultSecretId: "gw/atlas", perProject });
}

function calls() {
  return sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input);
}

describe("Atlas keys from Secrets Manager", () => {
  beforeEach(() => sm.reset());

  it("reads the default secret once and serves warm invocations from the cache", async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ publicKey: "pub", privateKey: PRIVATE }),
    });
    const keys = source();
    for (let i = 0; i < 5; i++)
      expect(await keys.credentialsFor(GROUP)).toEqual({
        kind: "apiKey",
        publicKey: "pub",
        privateKey: PRIVATE,
        // The id travels with the keys, so an Atlas refusal can name the secret to fix.
        secretId: "gw/atlas",
      });
    expect(calls()).toEqual([{ SecretId: "gw/atlas" }]);
  });

  it("fetches again, bypassing the cache, when asked to refresh", async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify({ PublicKey: "old", PrivateKey: PRIVATE }) })
      .resolves({ SecretString: JSON.stringify({ PublicKey: "new", PrivateKey: PRIVATE }) });
    const keys = source();
    expect(await keys.credentialsFor(GROUP)).toMatchObject({ publicKey: "old" });
    expect(await keys.credentialsFor(GROUP, { refresh: true })).toMatchObject({ publicKey: "new" });
    expect(await keys.credentialsFor(GROUP)).toMatchObject({ publicKey: "new" });
    expect(calls()).toEqual([{ SecretId: "gw/atlas" }, { SecretId: "gw/atlas" }]);
  });

  it("uses a project's own secret when one is configured", async () => {
    sm.on(GetSecretValueCommand, { SecretId: "gw/team-a" }).resolves({
      SecretString: JSON.stringify({ publicKey: "team-a", privateKey: PRIVATE }),
    });
    expect(await source({ [GROUP]: "gw/team-a" }).credentialsFor(GROUP)).toMatchObject({
      publicKey: "team-a",
    });
    expect(calls()).toEqual([{ SecretId: "gw/team-a" }]);
  });

  it.each([
    [
      "a missing secret",
      () =>
        sm
          .on(GetSecretValueCommand)
          .rejects(new ResourceNotFoundException({ message: "not found", $metadata: {} })),
      "missing",
      /gw\/atlas does not exist/,
    ],
    [
      "a throttled read",
      () =>
        sm
          .on(GetSecretValueCommand)
          .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" })),
      "unreadable",
      /could not be read \(ThrottlingException\)/,
    ],
    [
      "a value that is not JSON",
      () => sm.on(GetSecretValueCommand).resolves({ SecretString: `not json ${PRIVATE}` }),
      "malformed",
      /not valid JSON/,
    ],
    [
      "JSON without keys",
      () => sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ user: PRIVATE }) }),
      "malformed",
      /publicKey/,
    ],
  ])("reports %s as a credentials problem that leaks nothing", async (_label, arrange, problem, message) => {
    arrange();
    const error = await source()
      .credentialsFor(GROUP)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtlasCredentialsError);
    expect(error).toMatchObject({ problem, message: expect.stringMatching(message) });
    expect((error as Error).message).not.toContain(PRIVATE);
  });
});

describe("callers registry from Secrets Manager", () => {
  beforeEach(() => sm.reset());

  it("parses the registry secret", async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ callers: [{ id: "ci", projects: [{ groupId: GROUP }] }] }),
    });
    const secrets = new SecretsManagerSecrets({
      client: new SecretsManagerClient({ region: "eu-west-1" }),
      maxAgeSeconds: 60,
    });
    const registry = await new SecretsManagerCallerDirectory(secrets, "gw/callers").registry();
    expect(registry.callers.map((c) => c.id)).toEqual(["ci"]);
    expect(calls()).toEqual([{ SecretId: "gw/callers" }]);
  });

  it("turns an unreadable registry into a CallerRegistryError", async () => {
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: "nope", $metadata: {} }));
    const secrets = new SecretsManagerSecrets({
      client: new SecretsManagerClient({ region: "eu-west-1" }),
      maxAgeSeconds: 60,
    });
    await expect(new SecretsManagerCallerDirectory(secrets, "gw/callers").registry()).rejects.toThrow(
      CallerRegistryError,
    );
  });
});
