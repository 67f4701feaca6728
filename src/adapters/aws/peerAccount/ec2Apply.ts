import {
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  type EC2Client,
  ModifyVpcPeeringConnectionOptionsCommand,
  ReplaceRouteCommand,
} from "@aws-sdk/client-ec2";
import { type GroupAction, MONGODB_PORTS, type RouteAction } from "../../../domain/accepter/plan.js";
import { peerSideRemediation } from "../../../domain/accepter/remediation.js";
import type { PeerSideRequest } from "../../../domain/accepter/request.js";
import { as, type StepRecorder } from "./stepRecorder.js";

/** The writes of the peer-side plan, each recorded as a step. */
export class Ec2Writes {
  constructor(
    private readonly ec2: EC2Client,
    private readonly request: PeerSideRequest,
    private readonly steps: StepRecorder,
  ) {}

  /**
   * Makes one route table route Atlas's CIDR to the peering. Create falls back to Replace when a route
   * appeared meanwhile (RouteAlreadyExists), and Replace to Create when it vanished (InvalidRoute.NotFound).
   */
  async route(action: RouteAction): Promise<void> {
    const { atlasCidrBlock, pcxId } = this.request;
    const table = action.routeTableId;
    const route = `${atlasCidrBlock} → ${pcxId}`;
    if (action.action === "keep") {
      this.steps.record({ step: "route", target: table, ok: true, detail: `kept route ${route}` });
      return;
    }
    if (action.action === "missing") {
      this.missing("route", table, "DescribeRouteTables", "InvalidRouteTableID.NotFound");
      return;
    }
    const primary = action.action === "create" ? "CreateRoute" : "ReplaceRoute";
    await this.steps.call("route", table, primary, async () => {
      const done =
        action.action === "create" ? await this.createOrReplace(table) : await this.replaceOrCreate(table);
      return action.action === "replace" && done === "replaced"
        ? `replaced ${action.replaces} with ${route}`
        : `${done} route ${route}`;
    });
  }

  private async createOrReplace(table: string): Promise<"created" | "replaced"> {
    try {
      await as("CreateRoute", this.ec2.send(new CreateRouteCommand(this.routeInput(table))));
      return "created";
    } catch (error) {
      if (!(error instanceof Error) || error.name !== "RouteAlreadyExists") throw error;
      await as("ReplaceRoute", this.ec2.send(new ReplaceRouteCommand(this.routeInput(table))));
      return "replaced";
    }
  }

  private async replaceOrCreate(table: string): Promise<"created" | "replaced"> {
    try {
      await as("ReplaceRoute", this.ec2.send(new ReplaceRouteCommand(this.routeInput(table))));
      return "replaced";
    } catch (error) {
      if (!(error instanceof Error) || error.name !== "InvalidRoute.NotFound") throw error;
      await as("CreateRoute", this.ec2.send(new CreateRouteCommand(this.routeInput(table))));
      return "created";
    }
  }

  private routeInput(table: string) {
    const { atlasCidrBlock, pcxId } = this.request;
    return { RouteTableId: table, DestinationCidrBlock: atlasCidrBlock, VpcPeeringConnectionId: pcxId };
  }

  /** Lets the accepter VPC resolve Atlas's private DNS names (the only option the accepter may set). */
  async enableDns(): Promise<void> {
    await this.steps.call(
      "dns-resolution",
      this.request.pcxId,
      "ModifyVpcPeeringConnectionOptions",
      async () => {
        await this.ec2.send(
          new ModifyVpcPeeringConnectionOptionsCommand({
            VpcPeeringConnectionId: this.request.pcxId,
            AccepterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: true },
          }),
        );
        return "enabled DNS resolution from the Atlas VPC on the accepter side";
      },
    );
  }

  /** Opens tcp 27015-27017 from Atlas's CIDR; a rule that already exists counts as done. */
  async securityGroup(action: GroupAction): Promise<void> {
    const rule = `tcp ${MONGODB_PORTS.from}-${MONGODB_PORTS.to} from ${this.request.atlasCidrBlock}`;
    if (action.action === "present") {
      this.steps.record({ step: "security-group", target: action.groupId, ok: true, detail: `kept ${rule}` });
      return;
    }
    if (action.action === "missing") {
      this.missing("security-group", action.groupId, "DescribeSecurityGroups", "InvalidGroup.NotFound");
      return;
    }
    await this.steps.call("security-group", action.groupId, "AuthorizeSecurityGroupIngress", async () => {
      await this.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: action.groupId,
          IpPermissions: [
            {
              IpProtocol: "tcp",
              FromPort: MONGODB_PORTS.from,
              ToPort: MONGODB_PORTS.to,
              IpRanges: [
                {
                  CidrIp: this.request.atlasCidrBlock,
                  Description: `MongoDB Atlas via ${this.request.pcxId}`,
                },
              ],
            },
          ],
        }),
      );
      return `allowed ${rule}`;
    });
  }

  /** A configured route table or group the describe did not find: the step fails with AWS's NotFound advice. */
  private missing(
    step: "route" | "security-group",
    target: string,
    action: "DescribeRouteTables" | "DescribeSecurityGroups",
    code: string,
  ): void {
    const remediation = peerSideRemediation(this.request, { action, code, target });
    const where = `account ${this.request.accountId}, region ${this.request.region}`;
    this.steps.record({
      step,
      target,
      ok: false,
      detail: `${target} not found in ${where}`,
      action,
      errorCode: code,
      remediation,
    });
  }
}
