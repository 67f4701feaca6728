import { AcceptVpcPeeringConnectionCommand, EC2Client } from "@aws-sdk/client-ec2";
import type { STSClient, STSClientConfig } from "@aws-sdk/client-sts";
import {
  type CannotAccept,
  type ObservedPeering,
  type PeerSideObservation,
  type PeerSidePlan,
  planIsSettled,
  planPeerSide,
} from "../../../domain/accepter/plan.js";
import { cannotAcceptRemediation } from "../../../domain/accepter/remediation.js";
import type { PeerSideRequest } from "../../../domain/accepter/request.js";
import { type PeerSideReport, reportOf } from "../../../domain/accepter/steps.js";
import type { PeerAccountSide } from "../../../ports/PeerAccountSide.js";
import { assumeAccepterRole, type RoleCredentials, stsClient } from "./assumeRole.js";
import { Ec2Writes } from "./ec2Apply.js";
import { describePeering, describeRouteTables, describeSecurityGroups } from "./ec2Observe.js";
import { StepRecorder } from "./stepRecorder.js";

/** Options of {@link Ec2PeerAccountSide}. */
export interface Ec2PeerAccountSideOptions {
  /**
   * The gateway's STS client config: `awsClientConfig(env, "STS")` and the gateway's region; its own
   * credentials come from the SDK's default chain (the Lambda role) unless given.
   */
  sts?: Pick<STSClientConfig, "endpoint" | "region" | "credentials">;
  /** Every accepter region's EC2 client config: `awsClientConfig(env, "EC2")` (AWS: the regional default). */
  ec2?: { endpoint?: string };
  /** The wait for an accepted peering to turn active before the DNS option (AWS allows it only then). */
  activeWait?: { attempts: number; delayMs: number };
  now?: () => Date;
}

/**
 * {@link PeerAccountSide} with the AWS SDK: STS AssumeRole into the accepter account, then EC2 in the
 * accepter region with the role's credentials, one fresh client per run (runs are rare and per change).
 */
export class Ec2PeerAccountSide implements PeerAccountSide {
  private readonly sts: STSClient;
  private readonly wait: { attempts: number; delayMs: number };
  private readonly now: () => Date;

  constructor(private readonly options: Ec2PeerAccountSideOptions = {}) {
    this.sts = stsClient(options.sts ?? {});
    this.wait = options.activeWait ?? { attempts: 5, delayMs: 2_000 };
    this.now = options.now ?? (() => new Date());
  }

  async acceptAndConnect(request: PeerSideRequest): Promise<PeerSideReport> {
    const steps = new StepRecorder(request);
    let credentials: RoleCredentials | undefined;
    await steps.call("assume-role", request.account.roleArn, "AssumeRole", async () => {
      credentials = await assumeAccepterRole(this.sts, { ...request.account, changeId: request.changeId });
      return `assumed ${request.account.roleArn} with its ExternalId`;
    });
    if (credentials === undefined)
      return reportOf(steps.steps, { notAcceptable: false, retryable: steps.retryable });
    const ec2 = new EC2Client({ region: request.region, credentials, maxAttempts: 3, ...this.options.ec2 });
    try {
      return await new PeerSideRun(ec2, request, steps, this.wait, this.now).run();
    } finally {
      ec2.destroy();
    }
  }
}

/**
 * Reasons a later re-check may get past: Atlas is still making the request, or EC2 (eventually consistent)
 * does not show a request Atlas already reports yet. Until the change's deadline, then it times out.
 */
const MAY_PASS: ReadonlySet<CannotAccept> = new Set(["not-yet-requested", "not-found"]);

/** One run of the steps against one accepter region. */
class PeerSideRun {
  private readonly writes: Ec2Writes;

  constructor(
    private readonly ec2: EC2Client,
    private readonly request: PeerSideRequest,
    private readonly steps: StepRecorder,
    private readonly wait: { attempts: number; delayMs: number },
    private readonly now: () => Date,
  ) {
    this.writes = new Ec2Writes(ec2, request, steps);
  }

  async run(): Promise<PeerSideReport> {
    const observed = await this.observe("describe");
    if (observed === undefined) return this.report();
    const plan = planPeerSide(this.request, observed, this.now());
    const accepted = await this.accept(plan, observed.peering);
    if (!accepted) return this.report(plan.accept.kind === "cannot" && !MAY_PASS.has(plan.accept.reason));
    for (const route of plan.routes) await this.writes.route(route);
    if (plan.dns === "enable" && (await this.waitForActive())) await this.writes.enableDns();
    for (const group of plan.securityGroups) await this.writes.securityGroup(group);
    return this.verify();
  }

  /** Accepts a pending request; records why not when it cannot be. Answers whether it is accepted now. */
  private async accept(plan: PeerSidePlan, peering: ObservedPeering | undefined): Promise<boolean> {
    const { pcxId } = this.request;
    const decision = plan.accept;
    if (decision.kind === "already-accepted") {
      this.steps.record({
        step: "accept",
        target: pcxId,
        ok: true,
        detail: `already accepted (${decision.status})`,
      });
      return true;
    }
    if (decision.kind === "cannot") {
      const status = decision.status ?? "not visible";
      const detail = `cannot accept: ${decision.reason} (status ${status})`;
      const remediation = cannotAcceptRemediation(this.request, decision.reason);
      this.steps.record(
        { step: "accept", target: pcxId, ok: false, detail, remediation },
        MAY_PASS.has(decision.reason),
      );
      return false;
    }
    const expires =
      peering?.expirationTime === undefined
        ? ""
        : ` (it would expire ${peering.expirationTime.toISOString()})`;
    return this.steps.call("accept", pcxId, "AcceptVpcPeeringConnection", async () => {
      const answer = await this.ec2.send(
        new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcxId }),
      );
      return `accepted${expires}; status ${answer.VpcPeeringConnection?.Status?.Code ?? "unknown"}`;
    });
  }

  /** The describe calls as one step; undefined (the step failed) when one of them did. */
  private async observe(stage: "describe" | "verify"): Promise<PeerSideObservation | undefined> {
    let observed: PeerSideObservation | undefined;
    await this.steps.call(stage, this.request.pcxId, "DescribeVpcPeeringConnections", async () => {
      const peering = await describePeering(this.ec2, this.request.pcxId);
      const routeTables = await describeRouteTables(this.ec2, this.request, peering);
      const securityGroups = await describeSecurityGroups(this.ec2, this.request.account.securityGroupIds);
      observed = { peering, routeTables, securityGroups };
      const expires =
        peering?.expirationTime === undefined ? "" : `, expires ${peering.expirationTime.toISOString()}`;
      return (
        `peering ${peering?.status ?? "not found"}${expires}; ${routeTables.length} route table(s), ` +
        `${securityGroups.length} security group(s) found`
      );
    });
    return observed;
  }

  /** Describes until the peering is active (AWS allows the DNS option only then); records it if it never is. */
  private async waitForActive(): Promise<boolean> {
    for (let attempt = 0; attempt < this.wait.attempts; attempt++) {
      const peering = await describePeering(this.ec2, this.request.pcxId).catch(() => undefined);
      if (peering?.status === "active") return true;
      await new Promise((resolve) => setTimeout(resolve, this.wait.delayMs));
    }
    const detail = "the peering is not active yet, so the DNS option waits for the next re-check";
    this.steps.record(
      { step: "dns-resolution", target: this.request.pcxId, ok: false, detail, remediation: detail },
      true,
    );
    return false;
  }

  /** Describes again and plans again: a settled plan means every write took. */
  private async verify(): Promise<PeerSideReport> {
    const observed = await this.observe("verify");
    if (observed === undefined) return this.report();
    const plan = planPeerSide(this.request, observed, this.now());
    const verify = this.steps.steps.at(-1);
    if (verify !== undefined && !planIsSettled(plan)) {
      const open = [
        ...plan.routes.filter((r) => r.action !== "keep").map((r) => `route in ${r.routeTableId}`),
        ...(plan.dns === "enable" ? ["DNS option"] : []),
        ...plan.securityGroups.filter((g) => g.action !== "present").map((g) => `rule in ${g.groupId}`),
        ...(plan.accept.kind === "already-accepted" ? [] : ["acceptance"]),
      ];
      verify.ok = false;
      verify.detail = `${verify.detail}; not yet as configured: ${open.join(", ")}`;
      verify.remediation ??= "The failed steps above say what to fix; the next re-check applies the rest.";
    }
    return this.report(false, observed.peering?.status);
  }

  private report(notAcceptable = false, peeringStatus?: string): PeerSideReport {
    const retryable = this.steps.retryable;
    return reportOf(this.steps.steps, { notAcceptable, retryable, peeringStatus });
  }
}
