import { DEMO_PROJECT, type DemoProject } from "./demo.js";
import type { ProviderName } from "./progression.js";

/**
 * The demo project's network peering containers: the Atlas side of each peering (its CIDR block and region,
 * and the Atlas-side VPC, VNet or GCP network a customer must peer with). Fields and formats follow the Atlas
 * OpenAPI spec's `AWSCloudProviderContainer`, `AzureCloudProviderContainer` and `GCPCloudProviderContainer`
 * (mongodb/mongodb-atlas-cli tools/internal/specs/spec.yaml); the values are made up, in those formats.
 */

/** A container's value: text, the `provisioned` flag, or GCP's `regions`. */
export type ContainerValue = string | boolean | readonly string[] | null;

/** One simulated container. `fields` is everything Atlas shows besides `id` and `providerName`. */
export interface ContainerRecord {
  readonly id: string;
  readonly groupId: string;
  readonly provider: ProviderName;
  readonly fields: Readonly<Record<string, ContainerValue>>;
}

/**
 * The Atlas side of each demo peer. The CIDR blocks are disjoint from the demo peers' own (10.8.0.0/21…), as
 * Atlas requires; `provisioned` is true (clusters exist), so the GCP container's `gcpProjectId` and
 * `networkName` are set — Atlas answers null for them while a GCP container has no cluster.
 */
const ATLAS_SIDE: Readonly<Record<ProviderName, Readonly<Record<string, ContainerValue>>>> = {
  AWS: {
    atlasCidrBlock: "192.168.248.0/21",
    provisioned: true,
    regionName: "US_EAST_1",
    vpcId: "vpc-05f1e2d3c4b5a6978",
  },
  AZURE: {
    atlasCidrBlock: "192.168.240.0/21",
    azureSubscriptionId: "602c7a7e4f8b3e1d2c9a0b14",
    provisioned: true,
    region: "US_EAST_2",
    vnetName: "vnet_5f1e2d3c4b5a69788796a5d2_k3j9x2qa",
  },
  GCP: {
    atlasCidrBlock: "192.168.0.0/18",
    gcpProjectId: "p-q3x8k2m7v1n5b9c4z6w0r2t8",
    networkName: "nt-5f1e2d3c4b5a69788796a5d3-7k2m9x4q",
    provisioned: true,
    regions: ["CENTRAL_US"],
  },
};

/** The demo project's containers, one per provider, with the ids its peers name. */
export function demoContainers(demo: DemoProject = DEMO_PROJECT): ContainerRecord[] {
  return [demo.peers.aws, demo.peers.azure, demo.peers.gcp].map((peer) => ({
    id: peer.containerId,
    groupId: demo.groupId,
    provider: peer.providerName,
    fields: ATLAS_SIDE[peer.providerName],
  }));
}

/** The container as Atlas answers it, keys sorted as Atlas serialises them. */
export function renderContainer(container: ContainerRecord): Record<string, unknown> {
  const entries = Object.entries({ ...container.fields, id: container.id, providerName: container.provider });
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The simulated containers. Nothing changes them over the API; the store exists so state can be kept. */
export class ContainerStore {
  #containers: ContainerRecord[] = demoContainers();

  /** Back to the demo containers. */
  reset(): void {
    this.#containers = demoContainers();
  }

  /** Replaces every container (a state file being loaded). */
  restore(containers: readonly ContainerRecord[]): void {
    this.#containers = [...containers];
  }

  /** The container with this id in this project. */
  find(groupId: string, containerId: string): ContainerRecord | undefined {
    return this.#containers.find((c) => c.groupId === groupId && c.id === containerId);
  }

  /** The project's containers, of one provider or all, in creation order. */
  list(groupId: string, provider?: ProviderName): ContainerRecord[] {
    return this.#containers.filter((c) => c.groupId === groupId && (provider ?? c.provider) === c.provider);
  }

  /** Every container, for the state file. */
  snapshot(): readonly ContainerRecord[] {
    return this.#containers;
  }
}
