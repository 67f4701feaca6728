import type { LocalPeerAccounts } from "./peerAccounts.js";
import { LOCAL_EVENT_SOURCE, LOCAL_SLACK_TEAM, type LocalStack } from "./stack.js";

/** What `npm start` prints: where things are, the dev token, the demo peers and a curl to try. */
export function banner(stack: LocalStack): string {
  const lines = [`atlas-peering-gateway (local) listening on ${stack.gatewayUrl}`];
  if (stack.simulator) {
    const { demo, url } = stack.simulator;
    lines.push(
      `Atlas simulator on ${url}  (control endpoint: ${url}/__sim/…, see local/simulator/README.md)`,
    );
    lines.push("", `Demo project ${demo.groupId}:`);
    for (const [name, peer] of Object.entries(demo.peers)) {
      lines.push(`  ${name.toUpperCase().padEnd(5)} peer ${peer.peerId}  container ${peer.containerId}`);
    }
    const other = demo.awsOtherAccount;
    if (other) {
      lines.push(
        `  AWS   peer ${other.peerId}  container ${other.containerId}  (in another AWS account, ${other.awsAccountId})`,
      );
    }
    lines.push(...simulatorModes(stack.simulator));
    if (stack.peerAccounts)
      lines.push("", ...peerAccountLines(stack.peerAccounts, stack.devToken !== undefined));
  } else {
    lines.push("Forwarding to the Atlas named by ATLAS_BASE_URL.");
  }
  lines.push(
    "",
    `Slack slash command: POST ${stack.gatewayUrl}/v1/slack/commands  (team_id ${LOCAL_SLACK_TEAM}, signing secret ${stack.slackSigningSecret})`,
    `  replies to a https://hooks.slack.com/… response_url are captured: GET ${stack.gatewayUrl}/__local/slack`,
    `EventBridge 'Peering Change Requested': POST ${stack.gatewayUrl}/__local/events  (source ${LOCAL_EVENT_SOURCE}); published events: GET the same URL`,
    "",
    ...awsStandIns(stack),
  );
  if (stack.devToken) {
    lines.push("", devTokenLine(stack));
    if (stack.simulator) {
      // The curl comes last, alone after "Try it:", so it can be copied (or run) as one block.
      lines.push("", ...followChanges(stack), "", "Try it:", "", tryItCurl(stack));
    }
  } else {
    lines.push("", "Callers come from GATEWAY_CALLERS_FILE.");
  }
  return lines.join("\n");
}

/**
 * A generated token is printed (nobody else knows it); one supplied in GATEWAY_DEV_TOKEN never is: the banner
 * ends up in terminal scrollback, CI logs and screen shares, and whoever supplied it already has it.
 */
function devTokenLine(stack: LocalStack): string {
  return stack.devTokenGenerated
    ? `Dev bearer token (caller local-dev, every project): ${stack.devToken}`
    : "Dev bearer token (caller local-dev, every project): the one given in GATEWAY_DEV_TOKEN (not printed)";
}

/**
 * With ATLAS_SIM_AUTO_ACCEPT=false nothing moves a peer past the customer's step but the accept call, so the
 * banner says how to make it; and where the simulator's state is kept, when it is.
 */
function simulatorModes(simulator: NonNullable<LocalStack["simulator"]>): string[] {
  const lines: string[] = [];
  if (!simulator.autoAccept) {
    lines.push(
      "Peers wait in PENDING_ACCEPTANCE (AWS) / WAITING_FOR_USER (GCP) until accepted (ATLAS_SIM_AUTO_ACCEPT=false):",
      "AWS peers in their AWS account (below); any peer at once on Atlas's side, e.g. the GCP peer:",
      `  curl -sS -X POST ${simulator.url}/__sim/peers/${simulator.demo.peers.gcp.peerId}/accept`,
    );
  }
  if (simulator.stateFile) lines.push(`Simulator state kept in ${simulator.stateFile}`);
  return lines;
}

/**
 * The peers' AWS accounts (the EC2/STS emulator): which one the gateway accepts in, and the command a person
 * runs in the other (any secret signs: the emulator checks who signed, not the signature).
 */
function peerAccountLines(accounts: LocalPeerAccounts, devRegistry: boolean): string[] {
  const { url, accepting, person } = accounts;
  const gateway = devRegistry
    ? `  account ${accepting.accountId}: the gateway accepts Atlas's requests and adds the routes itself (role ${accepting.roleArn}, in the dev registry's awsAccounts)`
    : `  the gateway accepts in the accounts of GATEWAY_CALLERS_FILE's awsAccounts; the emulator knows the role ${accepting.roleArn} only`;
  return [
    `Peers' AWS accounts: EC2/STS emulator on ${url}  (AWS_ENDPOINT_URL_EC2/_STS of the functions; an accept there moves the Atlas peer on)`,
    gateway,
    `  account ${person.accountId} (peer ${person.peerId}) has no role: its change waits for a person, who accepts with`,
    `    AWS_ACCESS_KEY_ID=${person.accessKeyId} AWS_SECRET_ACCESS_KEY=local aws ec2 accept-vpc-peering-connection --region ${person.region} --endpoint-url ${url} --vpc-peering-connection-id <pcx>`,
    "    (<pcx>: the change's atlas.connectionId; the accept's CloudTrail event reaches the gateway at once)",
  ];
}

/** Where the local stand-ins of AWS listen, what they hold, and how to point the AWS CLI at one. */
function awsStandIns(stack: LocalStack): string[] {
  const { cloud } = stack;
  const { names } = cloud;
  return [
    `Local AWS stand-ins (region ${cloud.region}, account ${cloud.accountId}, any credentials):`,
    `  Secrets Manager  ${cloud.secretsManager.url}  (${names.atlasSecret}, ${names.callersSecret}, ${names.slackSecret})`,
    `  DynamoDB         ${cloud.dynamodb.url}  (table ${names.table})`,
    `  Scheduler        ${cloud.scheduler.url}  (schedule group ${names.scheduleGroup})`,
    `  EventBridge      ${cloud.eventBridge.url}  (bus ${names.eventBus})`,
    `  e.g. AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws --region ${cloud.region} --endpoint-url ${cloud.dynamodb.url} dynamodb scan --table-name ${names.table}`,
  ];
}

/** The CLI, ready to paste: the gateway and token exported, then the commands that follow a change. */
function followChanges(stack: LocalStack): string[] {
  return [
    "Follow changes with the CLI:",
    "",
    `  export GATEWAY_URL=${stack.gatewayUrl} GATEWAY_TOKEN=${tokenText(stack)}`,
    `  ${FOLLOW_COMMAND}   (<id>: the answer's x-change-request-id header, shown by curl -i below)`,
    `  npm run cli -- list --group ${stack.simulator?.demo.groupId ?? "<groupId>"}`,
  ];
}

/** How the CLI follows one change until it settles. */
const FOLLOW_COMMAND = "npm run cli -- watch <id>";

/** The token as a shell word: a generated one itself, a supplied one by its variable (never printed). */
function tokenText(stack: LocalStack): string {
  return stack.devTokenGenerated ? (stack.devToken ?? "") : '"$GATEWAY_DEV_TOKEN"';
}

/** `-i`: the status and headers too, where the change id and `Location` are (the body is Atlas's). */
function tryItCurl(stack: LocalStack): string {
  const demo = stack.simulator?.demo;
  const aws = demo?.peers.aws;
  // The demo AWS peer's own account and VPC: the gateway accepts Atlas's new request there by itself.
  const body = {
    providerName: "AWS",
    accepterRegionName: aws?.accepterRegionName,
    awsAccountId: aws?.awsAccountId,
    containerId: aws?.containerId,
    routeTableCidrBlock: "10.9.0.0/21",
    vpcId: aws?.vpcId,
  };
  return [
    `curl -sS -i -X PATCH '${stack.gatewayUrl}/api/atlas/v2/groups/${demo?.groupId}/peers/${aws?.peerId}' \\`,
    `  -H "Authorization: Bearer ${stack.devTokenGenerated ? stack.devToken : "$GATEWAY_DEV_TOKEN"}" \\`,
    "  -H 'Content-Type: application/vnd.atlas.2023-01-01+json' \\",
    "  -H 'Accept: application/vnd.atlas.2023-01-01+json' \\",
    `  -d '${JSON.stringify(body)}'`,
  ].join("\n");
}
