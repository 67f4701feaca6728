/**
 * The examples of the OpenAPI document. test/unit/channels/http/openapi.test.ts validates every one against the
 * schema beside it, so an example that stops matching the gateway's rules fails the build. Ids and values are
 * made up; none is a credential.
 */
const GROUP = "5e57d85c854180642f7844bf";
const PEER = "6f68e96d965291753f8955c0";
const CONTAINER = "5e57d85c854180642f7844c0";
const CHANGE_ID = "0b7d6e0a-3c1f-4a55-9d8e-2f4a1c9b7e10";

export const awsPeering = {
  providerName: "AWS",
  accepterRegionName: "us-east-1",
  awsAccountId: "123456789012",
  containerId: CONTAINER,
  routeTableCidrBlock: "10.15.0.0/24",
  vpcId: "vpc-0123456789abcdef0",
};

const azurePeering = {
  providerName: "AZURE",
  azureDirectoryId: "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  azureSubscriptionId: "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
  containerId: CONTAINER,
  resourceGroupName: "network-rg",
  vnetName: "app-vnet",
};

const gcpPeering = {
  providerName: "GCP",
  containerId: CONTAINER,
  gcpProjectId: "my-project-123",
  networkName: "default",
};

const change = { groupId: GROUP, peerId: PEER };
const reason = "CHG-1234: widen the app subnet";

export const changeRequestExamples = {
  aws: { summary: "An AWS peering", value: { ...change, peering: awsPeering, reason } },
  azure: { summary: "An Azure peering", value: { ...change, peering: azurePeering, reason } },
  gcp: { summary: "A GCP peering", value: { ...change, peering: gcpPeering } },
  dryRun: { summary: "A dry run: plan only", value: { ...change, peering: awsPeering, dryRun: true } },
};

export const peeringV2Examples = {
  aws: { summary: "An AWS peering", value: awsPeering },
  gcp: { summary: "A GCP peering", value: gcpPeering },
};

export const peeringV1Examples = {
  cidrOnly: {
    summary: "Only the CIDR (v1.0 takes any subset)",
    value: { routeTableCidrBlock: "10.15.0.0/24" },
  },
};

const at = "2026-11-28T09:15:00.000Z";

export const changeViewExample = {
  id: CHANGE_ID,
  state: "WAITING_FOR_USER",
  ...change,
  provider: "AWS",
  apiVersion: "v2",
  callerId: "ci-pipeline",
  channel: "http",
  correlationId: "Jd3kLgYtIAMEbXw=",
  reason,
  desired: awsPeering,
  atlas: { status: "PENDING_ACCEPTANCE", connectionId: "pcx-0a1b2c3d4e5f67890", httpStatus: 200 },
  attempt: 2,
  nextCheckAt: "2026-11-28T09:20:00.000Z",
  deadline: "2026-11-29T09:15:00.000Z",
  createdAt: at,
  updatedAt: "2026-11-28T09:15:30.000Z",
  history: [
    { at, from: null, to: "IN_PROGRESS" },
    {
      at: "2026-11-28T09:15:30.000Z",
      from: "IN_PROGRESS",
      to: "WAITING_FOR_USER",
      atlasStatus: "PENDING_ACCEPTANCE",
    },
  ],
  nextAction:
    "Accept VPC peering connection pcx-0a1b2c3d4e5f67890 in AWS account 123456789012, region us-east-1.",
  nextActionCommands: [
    "aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id pcx-0a1b2c3d4e5f67890 --region us-east-1",
  ],
  links: { self: `/v1/peering-changes/${CHANGE_ID}` },
};

const { nextAction: _action, nextActionCommands: _commands, ...anyState } = changeViewExample;
const inProgress = {
  ...anyState,
  state: "IN_PROGRESS",
  atlas: { status: "INITIATING", httpStatus: 200 },
  attempt: 1,
  updatedAt: at,
  history: [{ at, from: null, to: "IN_PROGRESS" }],
};

export const submitExamples = {
  accepted: {
    summary: "Taken: the gateway follows it until it settles",
    value: {
      id: CHANGE_ID,
      state: "IN_PROGRESS",
      atlas: { id: PEER, ...awsPeering, statusName: "INITIATING" },
      warnings: [],
      change: inProgress,
    },
  },
};

export const dryRunExamples = {
  diff: {
    summary: "What the change would do",
    value: {
      dryRun: true,
      ...change,
      noop: false,
      merged: awsPeering,
      diff: [{ field: "routeTableCidrBlock", current: "10.9.0.0/21", desired: "10.15.0.0/24" }],
      changes: ["routeTableCidrBlock: 10.9.0.0/21 → 10.15.0.0/24"],
      warnings: [],
      verdict: { allowed: true, policy: "allowed", overlap: "clear" },
      current: { id: PEER, ...awsPeering, routeTableCidrBlock: "10.9.0.0/21", statusName: "AVAILABLE" },
    },
  },
  refused: {
    summary: "A change the project policy would refuse (nothing would be sent)",
    value: {
      dryRun: true,
      ...change,
      noop: false,
      merged: { ...awsPeering, routeTableCidrBlock: "192.168.10.0/24" },
      diff: [{ field: "routeTableCidrBlock", current: "10.9.0.0/21", desired: "192.168.10.0/24" }],
      changes: ["routeTableCidrBlock: 10.9.0.0/21 → 192.168.10.0/24"],
      warnings: [],
      verdict: {
        allowed: false,
        policy: "refused",
        overlap: "not checked",
        refusal: {
          status: 422,
          type: "policy-refused",
          detail:
            "1 field(s) are outside the project policy: peering.routeTableCidrBlock: 192.168.10.0/24 is outside the project's allowed CIDRs (policy projects.*.aws.cidrs: 10.0.0.0/8). Nothing was sent.",
        },
      },
      current: { id: PEER, ...awsPeering, routeTableCidrBlock: "10.9.0.0/21", statusName: "AVAILABLE" },
    },
  },
};

export const changeListExamples = {
  page: {
    summary: "A page with more after it",
    value: { items: [changeViewExample], cursor: "eyJrIjoiLi4uIn0" },
  },
};

export const auditExamples = {
  page: {
    summary: "The newest entry",
    value: {
      items: [
        {
          id: "4f1e2d3c-2b1a-4c0d-9e8f-7a6b5c4d3e2f",
          at,
          requestId: "Jd3kLgYtIAMEbXw=",
          channel: "http",
          callerId: "ci-pipeline",
          outcome: "accepted",
          ...change,
          changeId: CHANGE_ID,
          asked: awsPeering,
          state: "IN_PROGRESS",
        },
      ],
    },
  },
};

export const problemExamples = {
  validation: {
    summary: "Every broken rule at once",
    value: {
      type: "https://atlas-peering-gateway.dev/problems/validation",
      title: "The request is not valid",
      status: 400,
      detail: "2 field(s) are not valid: peering.vpcId, reason",
      instance: "/v1/peering-changes",
      requestId: "Jd3kLgYtIAMEbXw=",
      errors: [
        { path: "peering.vpcId", message: "must be vpc- followed by 17 lowercase hex characters" },
        { path: "reason", message: "must be 1 to 500 characters and not only whitespace" },
      ],
    },
  },
};

export const atlasProblemExamples = {
  validation: {
    summary: "A refused field, Atlas-shaped",
    value: {
      type: "https://atlas-peering-gateway.dev/problems/validation",
      title: "The request is not valid",
      status: 400,
      detail: "1 field(s) are not valid: vpcId",
      instance: `/api/atlas/v2/groups/${GROUP}/peers/${PEER}`,
      requestId: "Jd3kLgYtIAMEbXw=",
      errors: [{ path: "vpcId", message: "must be vpc- followed by 17 lowercase hex characters" }],
      error: 400,
      errorCode: "INVALID_ATTRIBUTE",
      reason: "Bad Request",
      parameters: ["vpcId"],
      badRequestDetail: {
        fields: [{ field: "vpcId", description: "must be vpc- followed by 17 lowercase hex characters" }],
      },
    },
  },
};

export const slackExamples = {
  command: {
    summary: "/atlas-peering status <id>",
    value: {
      team_id: "T0ACME0001",
      user_id: "U0ALICE001",
      channel_id: "C0NETWORK1",
      command: "/atlas-peering",
      text: `status ${CHANGE_ID}`,
      response_url: "https://hooks.slack.com/commands/T0ACME0001/1234/example",
    },
  },
};

export const slackMessageExamples = {
  usage: {
    summary: "The help text",
    value: { response_type: "ephemeral", text: "Usage: /atlas-peering <command>", blocks: [] },
  },
};
