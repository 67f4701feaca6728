/**
 * CloudTrail's record of a write call the emulator answered, as EventBridge delivers it ("AWS API Call via
 * CloudTrail", source `aws.ec2`): the caller's identity (the access key id, never a secret), the region and
 * the call's parameters. On AWS, a trail puts it on the caller account's default bus; the emulator hands it to
 * whoever listens (`startPeerCloud({ trail })`), and the local stack puts it on its bus.
 */
import { randomUUID } from "node:crypto";
import type { TargetEvent } from "../eventBridge.js";
import type { Session } from "./model.js";

/** What the record is made of: who called, where, what, and what the emulator answered. */
export interface TrailCall {
  session: Session;
  accessKeyId: string;
  region: string;
  eventName: string;
  requestParameters: Record<string, unknown>;
  responseElements: Record<string, unknown>;
  /** Epoch ms. */
  at: number;
}

/** ISO 8601 to the second, as CloudTrail and EventBridge write times. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function trailEvent(call: TrailCall): TargetEvent {
  const { session } = call;
  const { accountId } = session;
  const time = isoSeconds(call.at);
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.ec2",
    account: accountId,
    time,
    region: call.region,
    resources: [],
    detail: {
      eventVersion: "1.08",
      userIdentity: {
        type: session.identity.type,
        principalId: session.identity.principalId,
        arn: session.identity.arn,
        accountId,
        accessKeyId: call.accessKeyId,
        ...(session.identity.type === "IAMUser" ? { userName: session.sessionName } : {}),
      },
      eventTime: time,
      eventSource: "ec2.amazonaws.com",
      eventName: call.eventName,
      awsRegion: call.region,
      sourceIPAddress: "127.0.0.1",
      userAgent: "local EC2 emulator",
      requestParameters: call.requestParameters,
      responseElements: call.responseElements,
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: false,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: accountId,
      eventCategory: "Management",
    },
  };
}
