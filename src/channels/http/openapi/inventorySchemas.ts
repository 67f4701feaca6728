/**
 * The body of `GET /v1/peerings` (src/channels/common/inventoryAnswer.ts), for the OpenAPI document only, kept
 * beside ./schemas.ts in the same registry: strict, so a field added to the answer without adding it here fails
 * test/integration/peerings.e2e.test.ts, which checks real answers against the document.
 */
import * as z from "zod";
import { CHANNELS } from "../../../domain/channels.js";
import { CHANGE_STATES } from "../../../domain/peering/status.js";
import { responseSchemas } from "./schemas.js";

const timestamp = z.iso.datetime().describe("ISO 8601 UTC time, e.g. 2026-11-28T09:15:00.000Z");
const objectId = z.string().regex(/^[a-f0-9]{24}$/);
const state = z.enum(CHANGE_STATES).describe("Where the change is in its life");

const inventoryItem = z
  .strictObject({
    provider: z.enum(["AWS", "AZURE", "GCP"]),
    peerId: objectId,
    importId: z.string().describe("terraform import mongodbatlas_network_peering.<name> <importId>"),
    atlas: z
      .strictObject({
        status: z.optional(z.string().describe("AWS statusName, Azure/GCP status")),
        error: z.optional(z.string().describe("AWS errorStateName, Azure errorState, GCP errorMessage")),
        connectionId: z.optional(z.string().describe("AWS: the VPC peering connection, pcx-…")),
      })
      .describe("Atlas's status now"),
    settings: z.record(z.string(), z.nullable(z.string())).describe("The peering's settings at Atlas"),
    lastChange: z.optional(
      z
        .strictObject({
          id: z.string(),
          state,
          requestedAt: timestamp,
          updatedAt: timestamp,
          callerId: z.string(),
          channel: z.enum(CHANNELS),
          links: z.strictObject({ self: z.string() }),
        })
        .describe("The newest change the gateway made to it (of the project's 500 newest)"),
    ),
    nextAction: z.optional(z.string().describe("What a person should do now, when anything")),
    nextActionCommands: z.optional(z.array(z.string()).describe("The same step as commands to paste")),
    matchedOn: z.optional(z.array(z.string()).describe("With q: the values that contain it")),
  })
  .register(responseSchemas, { id: "InventoryItem", description: "One peering of the inventory." });

export const peeringInventory = z
  .strictObject({
    groupId: objectId,
    items: z.array(inventoryItem),
    errors: z.optional(
      z
        .array(
          z.strictObject({
            provider: z.enum(["AWS", "AZURE", "GCP"]),
            status: z.int().describe("Atlas's status, or the one the gateway answers that failure with"),
            code: z.optional(z.string().describe("Atlas's errorCode, or the gateway's problem slug")),
            detail: z.string(),
          }),
        )
        .describe("Providers whose list could not be read: their peerings are missing from items"),
    ),
    truncated: z.optional(z.literal(true).describe("A provider has more than 2,000 peerings")),
  })
  .register(responseSchemas, {
    id: "PeeringInventory",
    description: "Every peering of the project across AWS, AZURE and GCP, AWS first, in Atlas's order.",
  });
