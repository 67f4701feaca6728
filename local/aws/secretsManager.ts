import { createHash, randomUUID } from "node:crypto";
import {
  type AwsCall,
  AwsError,
  type EmulatorHandle,
  type EmulatorOptions,
  parseJsonBody,
  principalNow,
  scopeOf,
  sendJson,
  startJsonServer,
} from "./calls.js";

/** Options of {@link startSecretsManagerEmulator}: the secrets it starts with, by name. */
export interface SecretsManagerEmulatorOptions extends EmulatorOptions {
  secrets?: Record<string, string>;
}

/** A running Secrets Manager emulator. */
export interface SecretsManagerEmulator extends EmulatorHandle {
  /** Creates the secret, or gives it a new value (and a new VersionId). */
  put(name: string, value: string): void;
  /** Deletes the secret: reads then fail with ResourceNotFoundException. */
  remove(name: string): void;
  /** Makes every read of `name` fail with `errorType` (HTTP 400); `undefined` ends that. */
  failWith(name: string, errorType: string | undefined): void;
}

interface StoredSecret {
  arn: string;
  name: string;
  value: string;
  versionId: string;
  /** Epoch seconds, as the API answers it. */
  createdDate: number;
}

const JSON_11 = "application/x-amz-json-1.1";
const NOT_FOUND = "Secrets Manager can't find the specified secret.";
const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * The 6 characters AWS appends to a secret's ARN. AWS picks them at random; here they derive from the name,
 * so a test can compute the ARN the emulator will answer before it starts.
 */
export function secretArnSuffix(name: string): string {
  const digest = createHash("sha256").update(name).digest();
  return Array.from(digest.subarray(0, 6), (byte) => SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length]).join("");
}

/** The emulator's state: the secrets, the injected failures and the calls. */
class SecretStore {
  readonly secrets = new Map<string, StoredSecret>();
  readonly failures = new Map<string, string>();
  readonly calls: AwsCall[] = [];

  constructor(private readonly arnPrefix: string) {}

  put(name: string, value: string): void {
    const createdDate = this.secrets.get(name)?.createdDate ?? Math.floor(Date.now() / 1000);
    const arn = `${this.arnPrefix}${name}-${secretArnSuffix(name)}`;
    this.secrets.set(name, { arn, name, value, versionId: randomUUID(), createdDate });
  }

  /** A SecretId is the name or the full ARN. */
  find(secretId: string): StoredSecret | undefined {
    return this.secrets.get(secretId) ?? [...this.secrets.values()].find((secret) => secret.arn === secretId);
  }

  getSecretValue(input: Record<string, unknown>): Record<string, unknown> {
    const secretId = typeof input.SecretId === "string" ? input.SecretId : "";
    const secret = this.find(secretId);
    // IAM evaluates the ARN even for a secret that does not exist: record the one the caller meant.
    const resource = secret?.arn ?? (secretId.startsWith("arn:") ? secretId : `${this.arnPrefix}${secretId}`);
    this.calls.push({
      service: "secretsmanager",
      action: "GetSecretValue",
      resource,
      at: Date.now(),
      input,
      ...principalNow(),
    });
    if (secretId === "") throw new AwsError("ValidationException", "SecretId is required.");
    const failure = this.failures.get(secret?.name ?? secretId);
    if (failure !== undefined)
      throw new AwsError(failure, `${failure} (set by the emulator) for ${secretId}.`);
    if (!secret) throw new AwsError("ResourceNotFoundException", NOT_FOUND);
    checkVersion(secret, input);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: secret.versionId,
      SecretString: secret.value,
      VersionStages: ["AWSCURRENT"],
      CreatedDate: secret.createdDate,
    };
  }
}

/**
 * Starts a Secrets Manager emulator (awsJson1_1: `POST /` with `X-Amz-Target: secretsmanager.<Op>`) that
 * answers GetSecretValue for secrets held in memory and records every call.
 */
export async function startSecretsManagerEmulator(
  options: SecretsManagerEmulatorOptions = {},
): Promise<SecretsManagerEmulator> {
  const { region, accountId } = scopeOf(options);
  const store = new SecretStore(`arn:aws:secretsmanager:${region}:${accountId}:secret:`);
  for (const [name, value] of Object.entries(options.secrets ?? {})) store.put(name, value);
  const style = { contentType: JSON_11, messageKey: "Message" } as const;
  const server = await startJsonServer(options, style, async (req, body, res) => {
    const target = req.headers["x-amz-target"];
    if (target !== "secretsmanager.GetSecretValue") {
      throw new AwsError("UnknownOperationException", `The emulator does not know ${String(target)}.`);
    }
    sendJson(res, 200, store.getSecretValue(parseJsonBody(body)), JSON_11);
  });
  return {
    url: server.url,
    calls: store.calls,
    close: server.close,
    put: (name, value) => store.put(name, value),
    remove: (name) => {
      store.secrets.delete(name);
    },
    failWith: (name, errorType) => {
      if (errorType === undefined) store.failures.delete(name);
      else store.failures.set(name, errorType);
    },
  };
}

/** Each secret holds one version, staged AWSCURRENT: asking for any other one finds nothing, as in AWS. */
function checkVersion(secret: StoredSecret, input: Record<string, unknown>): void {
  const { VersionId: versionId, VersionStage: stage } = input;
  if (versionId !== undefined && versionId !== secret.versionId) {
    throw new AwsError(
      "ResourceNotFoundException",
      `Secrets Manager can't find the specified secret value for VersionId: ${String(versionId)}`,
    );
  }
  if (stage !== undefined && stage !== "AWSCURRENT") {
    throw new AwsError(
      "ResourceNotFoundException",
      `Secrets Manager can't find the specified secret value for staging label: ${String(stage)}`,
    );
  }
}
