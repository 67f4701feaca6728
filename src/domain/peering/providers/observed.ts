/**
 * What next actions and remediations know about a peer, read the same way by every provider module: Atlas's
 * answer first (the peer as Atlas returned it), then the change's desired body, else nothing. A v1.0 change
 * may have sent one field only, while Atlas's answer carried them all.
 */
import type { DesiredSettings, NextActionChange } from "./provider.js";

/** A setting as Atlas last returned it for the peer, else as the change asked for it. */
export function setting(
  change: NextActionChange,
  desired: DesiredSettings,
  field: string,
): string | undefined {
  const observed = change.atlas.peer?.[field];
  if (typeof observed === "string" && observed !== "") return observed;
  return desired[field];
}

/**
 * The region an AWS peer's VPC is in. Atlas reports `accepterRegionName: null` when it is the container's
 * region (docs/atlas-api.md §1.3), so then the container's region (Atlas's `US_EAST_1` in AWS form) is it.
 */
export function awsAccepterRegion(change: NextActionChange, desired: DesiredSettings): string | undefined {
  const observed = change.atlas.peer?.accepterRegionName;
  if (typeof observed === "string" && observed !== "") return observed;
  const containerRegion = awsRegion(change.container?.regionName);
  if (observed === null) return containerRegion ?? desired.accepterRegionName;
  return desired.accepterRegionName ?? containerRegion;
}

/**
 * An Atlas AWS region name in AWS's own form; undefined for anything that is not one (`GLOBAL`, absent).
 *
 * @example awsRegion("US_EAST_1") // "us-east-1"
 */
export function awsRegion(atlasName: string | undefined): string | undefined {
  const region = atlasName?.toLowerCase().replaceAll("_", "-");
  return region !== undefined && AWS_REGION.test(region) ? region : undefined;
}

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Shapes a value must have to be put into a command someone pastes into a shell. */
export const SHELL_SAFE = {
  awsRegion: AWS_REGION,
  cidr: /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/,
  pcx: /^pcx-[0-9a-f]{8,17}$/,
  gcpName: /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/,
  uuid: /^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/,
  azureName: /^[-\w.()]{1,80}$/,
  atlasId: /^[0-9a-f]{24}$/,
} as const;

/**
 * `value` when it has the shape `pattern` asks for, else the placeholder: a command never carries a value
 * that could break out of its argument, whatever Atlas or a stored record holds.
 *
 * @example arg("pcx-0a1b2c3d", SHELL_SAFE.pcx, "<vpc-peering-connection-id>") // "pcx-0a1b2c3d"
 */
export function arg(value: string | undefined, pattern: RegExp, placeholder: string): string {
  return value !== undefined && pattern.test(value) ? value : placeholder;
}
