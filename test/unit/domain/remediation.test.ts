import { describe, expect, it } from "vitest";
import type { AtlasObservation, ChangeRecord } from "../../../src/domain/change/ChangeRecord.js";
import {
  type RemediationSource,
  refusalRemediation,
  remediation,
} from "../../../src/domain/change/remediation.js";
import type { Provider } from "../../../src/domain/peering/providers/index.js";
import type { ChangeState } from "../../../src/domain/peering/status.js";
import { ChangeRefusedError } from "../../../src/usecases/errors.js";

const GROUP = "5f1e2d3c4b5a69788796a5b4";
const PEER = "5f1e2d3c4b5a69788796a5c1";
const AWS = {
  awsAccountId: "123456789012",
  accepterRegionName: "us-east-1",
  routeTableCidrBlock: "10.9.0.0/21",
  vpcId: "vpc-0123456789abcdef0",
};
const AZURE = {
  providerName: "AZURE",
  azureDirectoryId: "0f3e5c1a-8b7d-4e2f-9a6b-1c2d3e4f5a6b",
  azureSubscriptionId: "6b5a4f3e-2d1c-4b6a-9f2e-7d8b1a5c3e0f",
  resourceGroupName: "atlas-demo-rg",
  vnetName: "atlas-demo-vnet",
};
const GCP = { providerName: "GCP", gcpProjectId: "my-proj-123", networkName: "prod-vpc" };
const BODIES: Record<string, object> = { AWS, AZURE, GCP };

function change(
  state: ChangeState,
  atlas: AtlasObservation,
  provider: Provider = "AWS",
  extra: Partial<ChangeRecord> = {},
): RemediationSource {
  const container = { id: "c", atlasCidrBlock: "192.168.248.0/21", regionName: "US_EAST_1" };
  const desired = JSON.stringify(BODIES[provider] ?? {});
  return { state, provider, groupId: GROUP, peerId: PEER, desired, atlas, container, ...extra };
}

const GENERAL = /no specific advice/;

/** The Atlas errorCodes relevant to a peering PATCH or GET (docs/atlas-api.md §2.2, Atlas's api-errors page). */
const ATLAS_CODES: Array<[code: string, names: RegExp]> = [
  ["OVERLAPPING_CIDR_BLOCK", /10\.9\.0\.0\/21 overlaps another peering of project 5f1e/],
  ["OVERLAPPING_ATLAS_CIDR_BLOCK", /overlaps Atlas's own CIDR 192\.168\.248\.0\/21/],
  ["PEER_INVALID_STATE", /wait until it shows AVAILABLE/],
  ["PEER_ALREADY_REQUESTED_DELETION", /being deleted/],
  ["INVALID_ROUTE_TABLE_CIDR", /10\.0\.0\.0\/8, 172\.16\.0\.0\/12 or 192\.168\.0\.0\/16/],
  ["INVALID_CIDR_BLOCK", /without host bits/],
  ["PEER_ALREADY_EXISTS", /already peers with VPC vpc-0123456789abcdef0 in AWS account 123456789012/],
  ["PEER_MAXIMUM_REACHED", /as many peering connections as Atlas allows/],
  ["NOT_IN_PRIVATE_IP_MODE", /private IP mode/],
  ["AZURE_CUSTOMER_NETWORK_UNREACHABLE", /service principal \(application e90a1407/],
  ["INVALID_ATTRIBUTE", /delete the peering and create a new one/],
  ["CANNOT_MODIFY_PEER", /delete the peering and create a new one/],
  ["ATTRIBUTE_READ_ONLY", /read-only field/],
  ["INVALID_PROVIDER", /AWS, AZURE or GCP/],
  ["PEER_NOT_FOUND", /no longer exists in project/],
  ["GROUP_NOT_FOUND", /no project 5f1e2d3c4b5a69788796a5b4/],
  ["SETTINGS_NOT_APPLIED", /changed it outside the gateway/],
];

describe("remediation: Atlas's error codes", () => {
  it.each(ATLAS_CODES)("%s gets its own sentence, naming what it is about", (code, names) => {
    const text = remediation(change("REJECTED", { httpStatus: 409, errorCode: code }));
    expect(text).toMatch(names);
    expect(text).not.toMatch(GENERAL);
  });

  it("names the attribute INVALID_ATTRIBUTE's detail names", () => {
    const detail = "Invalid attribute azureDirectoryId specified.";
    const text = remediation(change("REJECTED", { httpStatus: 400, errorCode: "INVALID_ATTRIBUTE", detail }));
    expect(text).toContain("(azureDirectoryId)");
  });

  it("names the peering that already exists in the provider's own terms", () => {
    const gcp = remediation(change("REJECTED", { errorCode: "PEER_ALREADY_EXISTS_GCP" }, "GCP"));
    expect(gcp).toContain("already peers with network prod-vpc");
    const azure = remediation(change("REJECTED", { errorCode: "PEER_ALREADY_EXISTS_AZURE" }, "AZURE"));
    expect(azure).toContain("already peers with VNet atlas-demo-vnet");
  });

  it("gives a code it does not know a general sentence that still names it, and Atlas's detail", () => {
    const text = remediation(change("REJECTED", { errorCode: "BRAND_NEW_CODE", detail: "Something new." }));
    expect(text).toMatch(GENERAL);
    expect(text).toContain('BRAND_NEW_CODE ("Something new.")');
    expect(text).toContain("https://www.mongodb.com/docs/atlas/reference/api-errors/");
  });

  it("treats a code that is also an object property as unknown", () => {
    for (const code of ["constructor", "toString", "__proto__"]) {
      expect(remediation(change("REJECTED", { errorCode: code }))).toContain(`Atlas reported ${code}`);
    }
  });

  it("names the HTTP status of a refusal without an error code", () => {
    expect(remediation(change("REJECTED", { httpStatus: 403 }))).toContain("HTTP 403 without an error code");
  });
});

describe("remediation: what the peer reports", () => {
  it.each([
    ["REJECTED", /rejected on the AWS side .*region us-east-1.*awsAccountId and vpcId/],
    ["EXPIRED", /within AWS's 7 days/],
    ["FAILED", /could not create the VPC peering .*overlap Atlas's 192\.168\.248\.0\/21/],
    ["INVALID_ARGUMENT", /refused the peering request's arguments/],
  ])("AWS errorStateName %s", (error, names) => {
    expect(remediation(change("FAILED", { status: "FAILED", error }))).toMatch(names);
  });

  it("an AWS errorStateName it does not know, named", () => {
    expect(remediation(change("FAILED", { status: "FAILED", error: "PROVISIONING_FAILED" }))).toMatch(
      /Atlas reported PROVISIONING_FAILED, .*no specific advice/,
    );
  });

  it.each([
    ["Address space overlaps with the remote VNet", /address space of VNet atlas-demo-vnet overlaps/],
    [
      "The client does not have authorization to perform action Microsoft.Network/virtualNetworks/peer/action",
      /make sure that Atlas's peering service principal .* on VNet atlas-demo-vnet in resource group atlas-demo-rg/,
    ],
    ["Resource atlas-demo-vnet not found", /check that VNet atlas-demo-vnet exists in resource group/],
    ["Something Azure never said before", /check first that Atlas's peering service principal/],
  ])("Azure errorState %j", (error, names) => {
    const text = remediation(change("FAILED", { status: "FAILED", error }, "AZURE"));
    expect(text).toMatch(names);
    expect(text).toContain(`Azure reported "${error}"`);
  });

  it.each([
    [
      "An IP range in the peer network overlaps with an IP range in the local network",
      /overlaps Atlas's CIDR/,
    ],
    ["The network prod-vpc was not found", /check that network prod-vpc exists in project my-proj-123/],
    ["Quota 'NETWORK_PEERINGS' exceeded. Limit: 25", /peering quota/],
    ["Internal error", /gcloud compute networks peerings list/],
  ])("GCP errorMessage %j", (error, names) => {
    expect(remediation(change("FAILED", { status: "FAILED", error }, "GCP"))).toMatch(names);
  });

  it("a FAILED status with no error field, for each provider", () => {
    expect(remediation(change("FAILED", { status: "FAILED" }))).toMatch(/FAILED without a reason/);
    expect(remediation(change("FAILED", { status: "FAILED" }, "AZURE"))).toMatch(/service principal/);
  });

  it.each(["TERMINATING", "DELETING"])("the peer %s outside the change", (status) => {
    expect(remediation(change("FAILED", { status }))).toMatch(/is being deleted .*create it again/);
  });

  it("Azure DELETION_FAILED", () => {
    expect(remediation(change("FAILED", { status: "DELETION_FAILED" }, "AZURE"))).toMatch(/could not delete/);
  });
});

describe("remediation: TIMED_OUT, by what was still missing", () => {
  const timedOutFrom = (from: ChangeState, atlas: AtlasObservation = {}) =>
    remediation(
      change("TIMED_OUT", atlas, "AWS", {
        history: [{ at: "2026-01-01T00:00:00.000Z", from, to: "TIMED_OUT" }],
      }),
    );

  it("waiting for a person: nobody did the step; AWS's 7 days are named for AWS", () => {
    expect(timedOutFrom("WAITING_FOR_USER", { status: "PENDING_ACCEPTANCE" })).toMatch(
      /Nobody completed the cloud-side step .*AWS expires .*7 days/,
    );
  });

  it("retrying: Atlas never took the PATCH, with its last answer", () => {
    const text = timedOutFrom("RETRYING", { httpStatus: 403, errorCode: "IP_ADDRESS_NOT_ON_ACCESS_LIST" });
    expect(text).toMatch(
      /never took the PATCH .*last answer: IP_ADDRESS_NOT_ON_ACCESS_LIST.*API access list/,
    );
    expect(timedOutFrom("RETRYING", { httpStatus: 503 })).toContain("last answer: HTTP 503");
  });

  it("in progress: Atlas was still working", () => {
    expect(timedOutFrom("IN_PROGRESS", { status: "INITIATING" })).toMatch(/still working on peer 5f1e/);
  });
});

describe("remediation: when there is one", () => {
  it.each(["RETRYING", "IN_PROGRESS", "WAITING_FOR_USER", "SUCCEEDED", "CANCELLED"] as const)(
    "none for %s",
    (state) => {
      expect(remediation(change(state, { status: "FAILED", errorCode: "PEER_NOT_FOUND" }))).toBeUndefined();
    },
  );

  it("every sentence is whole: no missing value shows as undefined, null or an object", () => {
    const codes = [...ATLAS_CODES.map(([code]) => code), "UNKNOWN_X"];
    for (const provider of ["AWS", "AZURE", "GCP"] as const) {
      for (const errorCode of codes) {
        const bare = { state: "REJECTED", provider, groupId: GROUP, peerId: PEER, desired: "{}" } as const;
        const text = remediation({ ...bare, atlas: { errorCode } }) ?? "";
        expect(text).toMatch(/\.$/);
        expect(text).not.toMatch(/undefined|null|\[object/);
      }
    }
  });
});

describe("the gateway's refusals", () => {
  it("a change Atlas cannot make in place says to replace the peering, on the problem too", () => {
    expect(refusalRemediation("change-not-updatable")).toMatch(/delete the peering and create a new one/);
    const error = new ChangeRefusedError("vnetName cannot be changed in place");
    expect(error.details()).toEqual({ remediation: refusalRemediation("change-not-updatable") });
  });

  it("an unknown refusal code is still named", () => {
    expect(refusalRemediation("not-a-code")).toContain("not-a-code");
  });
});
