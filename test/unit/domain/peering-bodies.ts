/** Valid peering bodies for the domain tests, and helpers to read violations out of a result. */
import type { FieldViolation, Validation } from "../../../src/domain/validation.js";

export const CONTAINER = "5e57d85c854180642f7844bf";

export const AWS_BODY = {
  providerName: "AWS",
  accepterRegionName: "us-east-1",
  awsAccountId: "358363220050",
  containerId: CONTAINER,
  routeTableCidrBlock: "172.31.0.0/16",
  vpcId: "vpc-0123456789abcdef0",
};
const { providerName: _aws, ...awsWithoutProvider } = AWS_BODY;
/** Atlas assumes AWS when providerName is left out. */
export const AWS_WITHOUT_PROVIDER = awsWithoutProvider;
export const AZURE_BODY = {
  providerName: "AZURE",
  azureDirectoryId: "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  azureSubscriptionId: "0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9",
  containerId: CONTAINER,
  resourceGroupName: "rg-atlas_peering.(prod)",
  vnetName: "vnet-prod",
};
export const GCP_BODY = {
  providerName: "GCP",
  containerId: CONTAINER,
  gcpProjectId: "my-proj-123",
  networkName: "default",
};

export function errorsOf(result: Validation<unknown>): FieldViolation[] {
  if (result.ok) throw new Error(`expected violations, got ${JSON.stringify(result.value)}`);
  return result.errors;
}

export function messageAt(result: Validation<unknown>, path: string): string | undefined {
  return errorsOf(result).find((e) => e.path === path)?.message;
}
