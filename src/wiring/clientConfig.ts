/** The AWS services the gateway calls, by the suffix of their standard endpoint variable. */
export type AwsService = "SECRETS_MANAGER" | "DYNAMODB" | "SCHEDULER" | "EVENTBRIDGE" | "EC2" | "STS";

/**
 * An SDK client's endpoint from the standard `AWS_ENDPOINT_URL_<SERVICE>` (or `AWS_ENDPOINT_URL`) variable of
 * the environment the wiring was given. In Lambda that environment is `process.env` and the SDK would read the
 * same variables itself; reading them from the given environment lets the local stack run several gateways in
 * one process, each against its own local stand-ins. Unset (as in AWS), the SDK's default endpoint applies.
 */
export function awsClientConfig(
  env: Record<string, string | undefined>,
  service: AwsService,
): { endpoint?: string } {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  return endpoint ? { endpoint } : {};
}
