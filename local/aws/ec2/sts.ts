import { randomBytes } from "node:crypto";
import type { Cloud } from "./model.js";
import { QueryError, type QueryParams, type Xml } from "./query.js";

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * STS AssumeRole: only a configured role, only with its ExternalId (AccessDenied otherwise, as IAM answers a
 * trust policy whose sts:ExternalId condition fails). The credentials it issues sign EC2 calls as that role.
 */
export function assumeRole(cloud: Cloud, params: QueryParams, caller: string): { [element: string]: Xml } {
  const roleArn = params.get("RoleArn") ?? "";
  const sessionName = params.get("RoleSessionName") ?? "";
  if (!SESSION_NAME.test(sessionName)) {
    throw new QueryError(
      "ValidationError",
      "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint",
    );
  }
  const role = cloud.roles.get(roleArn);
  if (role === undefined || params.get("ExternalId") !== role.externalId) {
    throw new QueryError(
      "AccessDenied",
      `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  }
  const accountId = /^arn:aws:iam::(\d{12}):role\//.exec(roleArn)?.[1] ?? "000000000000";
  const accessKeyId = `ASIA${randomBytes(8).toString("hex").toUpperCase()}`;
  const roleName = roleArn.split("/").at(-1) ?? "role";
  const identity = {
    type: "AssumedRole" as const,
    arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    principalId: `AROA${accessKeyId.slice(4)}:${sessionName}`,
  };
  cloud.sessions.set(accessKeyId, {
    accountId,
    roleArn,
    identity,
    deniedActions: new Set(role.deniedActions ?? []),
    sessionName,
  });
  const seconds = Number(params.get("DurationSeconds") ?? 3600);
  return {
    Credentials: {
      AccessKeyId: accessKeyId,
      SecretAccessKey: randomBytes(20).toString("base64"),
      SessionToken: randomBytes(32).toString("base64"),
      Expiration: new Date(cloud.now() + seconds * 1000).toISOString(),
    },
    AssumedRoleUser: { AssumedRoleId: identity.principalId, Arn: identity.arn },
  };
}
