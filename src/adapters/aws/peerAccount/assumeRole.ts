import { AssumeRoleCommand, STSClient, type STSClientConfig } from "@aws-sdk/client-sts";

/** Temporary credentials of the accepter role (the SDK's AwsCredentialIdentity shape). */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/**
 * Role chaining (a Lambda role assuming another role) caps a session at one hour; a run of the peer-side
 * steps takes seconds, so a quarter of an hour leaves room for slow retries and is all the role ever gets.
 */
const SESSION_SECONDS = 900;

/**
 * The STS session name: it shows in the accepter account's CloudTrail as who accepted, so it names the change.
 * IAM allows 2-64 of `\w+=,.@-`.
 */
export function sessionNameFor(changeId: string): string {
  const safe = changeId.replace(/[^\w+=,.@-]/g, "-");
  return `peering-gateway-${safe}`.slice(0, 64);
}

/** Credentials of the accepter role, for one change. */
export async function assumeAccepterRole(
  sts: STSClient,
  input: { roleArn: string; externalId: string; changeId: string },
): Promise<RoleCredentials> {
  const answer = await sts.send(
    new AssumeRoleCommand({
      RoleArn: input.roleArn,
      ExternalId: input.externalId,
      RoleSessionName: sessionNameFor(input.changeId),
      DurationSeconds: SESSION_SECONDS,
    }),
  );
  const credentials = answer.Credentials;
  if (credentials?.AccessKeyId === undefined || credentials.SecretAccessKey === undefined) {
    throw new Error("STS answered AssumeRole without credentials");
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    ...(credentials.SessionToken === undefined ? {} : { sessionToken: credentials.SessionToken }),
    ...(credentials.Expiration === undefined ? {} : { expiration: credentials.Expiration }),
  };
}

/** An STS client of the gateway's own credentials. */
export function stsClient(config: STSClientConfig): STSClient {
  return new STSClient({ maxAttempts: 2, ...config });
}
