import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../calls.js";
import type { TargetEvent } from "../eventBridge.js";
import type { ActionContext, Ec2Action } from "./context.js";
import type { Cloud } from "./model.js";
import {
  acceptVpcPeeringConnection,
  describeVpcPeeringConnections,
  modifyVpcPeeringConnectionOptions,
} from "./peeringActions.js";
import {
  ec2Answer,
  ec2Error,
  parseQuery,
  QueryError,
  type QueryParams,
  sendXml,
  signerOf,
  stsAnswer,
  stsError,
} from "./query.js";
import { assumeRole } from "./sts.js";
import { trailEvent } from "./trail.js";
import {
  authorizeSecurityGroupIngress,
  createRoute,
  describeRouteTables,
  describeSecurityGroups,
  replaceRoute,
} from "./vpcActions.js";

const ACTIONS: Readonly<Record<string, Ec2Action>> = {
  DescribeVpcPeeringConnections: describeVpcPeeringConnections,
  AcceptVpcPeeringConnection: acceptVpcPeeringConnection,
  ModifyVpcPeeringConnectionOptions: modifyVpcPeeringConnectionOptions,
  DescribeRouteTables: describeRouteTables,
  CreateRoute: createRoute,
  ReplaceRoute: replaceRoute,
  DescribeSecurityGroups: describeSecurityGroups,
  AuthorizeSecurityGroupIngress: authorizeSecurityGroupIngress,
};

/** One call the emulator answered: what CloudTrail would log (only the access key id, never a secret). */
export interface PeerCloudCall {
  service: "ec2" | "sts";
  action: string;
  /** The region the call was signed for. */
  region: string;
  accessKeyId?: string;
  /** The role an EC2 call ran as. */
  roleArn?: string;
  params: Record<string, string>;
  /** The error code answered, if any. */
  error?: string;
}

/** What the dispatcher needs: the cloud, where calls are recorded, and who is told of an acceptance. */
export interface Dispatch {
  cloud: Cloud;
  calls: PeerCloudCall[];
  /** Told of each peering accepted, with CloudTrail's record of the call. */
  accepted: (pcxId: string, record: TargetEvent) => void;
}

/** Answers one request: STS AssumeRole, or an EC2 action as the role the credentials belong to. */
export async function answer(dispatch: Dispatch, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const params = parseQuery(await readBody(req));
  const signer = signerOf(req);
  const action = params.get("Action") ?? "";
  const isSts = signer.service === "sts" || action === "AssumeRole";
  const call: PeerCloudCall = {
    service: isSts ? "sts" : "ec2",
    action,
    region: signer.region ?? "",
    ...(signer.accessKeyId === undefined ? {} : { accessKeyId: signer.accessKeyId }),
    params: Object.fromEntries(params),
  };
  dispatch.calls.push(call);
  try {
    if (isSts) {
      if (action !== "AssumeRole")
        throw new QueryError("InvalidAction", `The emulator does not know ${action}.`);
      sendXml(
        res,
        200,
        stsAnswer(action, assumeRole(dispatch.cloud, params, signer.accessKeyId ?? "anonymous")),
      );
      return;
    }
    sendXml(res, 200, ec2Answer(action, runEc2(dispatch, call, params)));
  } catch (error) {
    const failure = error instanceof QueryError ? error : new QueryError("InternalError", String(error), 500);
    call.error = failure.code;
    sendXml(res, failure.status, isSts ? stsError(failure) : ec2Error(failure));
  }
}

function runEc2(dispatch: Dispatch, call: PeerCloudCall, params: QueryParams) {
  const session = dispatch.cloud.sessions.get(call.accessKeyId ?? "");
  if (session === undefined) {
    throw new QueryError("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
  }
  if (session.roleArn !== undefined) call.roleArn = session.roleArn;
  const run = ACTIONS[call.action];
  if (run === undefined) {
    throw new QueryError("InvalidAction", `The action ${call.action} is not valid for this web service.`);
  }
  if (session.deniedActions.has(call.action)) {
    throw new QueryError("UnauthorizedOperation", "You are not authorized to perform this operation.", 403);
  }
  const context: ActionContext = { cloud: dispatch.cloud, session, region: call.region, params };
  const members = run(context);
  if (call.action === "AcceptVpcPeeringConnection") tellAccepted(dispatch, context, call);
  return members;
}

/** An accepted peering, and CloudTrail's record of the call (a trail records every write, whoever made it). */
function tellAccepted(dispatch: Dispatch, context: ActionContext, call: PeerCloudCall): void {
  const pcxId = context.params.get("VpcPeeringConnectionId") ?? "";
  const status = { code: "provisioning", message: "Provisioning" };
  const record = trailEvent({
    session: context.session,
    accessKeyId: call.accessKeyId ?? "",
    region: call.region,
    eventName: call.action,
    requestParameters: { vpcPeeringConnectionId: pcxId },
    responseElements: { vpcPeeringConnection: { vpcPeeringConnectionId: pcxId, status } },
    at: dispatch.cloud.now(),
  });
  dispatch.accepted(pcxId, record);
}
