/**
 * The request side of the OpenAPI document, from the very zod schemas the gateway validates with: the bodies
 * (`components.schemas`) and the query and path parameters. Refinements JSON Schema cannot carry (the CIDR
 * rules, `reason`'s length) are said in descriptions, added here in a registry of our own so the domain's
 * schemas stay free of documentation concerns.
 */
import * as z from "zod";
import { auditQuerySchema } from "../../../domain/change/auditQuery.js";
import { changeListQuerySchema } from "../../../domain/change/listQuery.js";
import * as fields from "../../../domain/peering/fields.js";
import { inventoryQuerySchema } from "../../../domain/peering/inventoryQuery.js";
import { listSchema } from "../../../domain/peering/readQuery.js";
import { atlasQuerySchema, partialChangeRequestSchema } from "../../../domain/peering/request.js";
import { peeringSettingsSchemas } from "../../../domain/peering/settings.js";

/** The registry the request components are emitted from, with the fields' descriptions. */
export const requestSchemas = z.registry<{ id?: string; description?: string }>();

requestSchemas.add(partialChangeRequestSchema, {
  id: "ChangeRequest",
  description:
    "The body of POST /v1/peering-changes. `peering` may name only the fields to change: the gateway reads " +
    "the peer and fills in the rest. `reason`: 1 to 500 characters, not only whitespace. `callbackUrl`: its " +
    "host must be on the caller's allowlist. `dryRun`: plan only, change nothing.",
});
requestSchemas.add(peeringSettingsSchemas.full, {
  id: "PeeringSettings",
  description:
    "Atlas's v2 peering body (BaseNetworkPeeringConnectionSettings), one object per provider; " +
    "`providerName` may be left out for AWS. Read-only fields and other providers' fields are refused by name.",
});
requestSchemas.add(peeringSettingsSchemas.partial, {
  id: "PeeringSettingsPartial",
  description:
    "Any non-empty subset of one provider's fields (at least one besides providerName): the legacy v1.0 " +
    "body, and `peering` of POST /v1/peering-changes.",
});

const FIELD_DESCRIPTIONS: Array<[z.core.$ZodType, string]> = [
  [fields.groupId, "24 lowercase hex characters (an Atlas object id), e.g. 5e57d85c854180642f7844bf"],
  [
    fields.accepterRegionName,
    "AWS's own region name (us-east-1), not Atlas's US_EAST_1; null: the container's",
  ],
  [fields.awsAccountId, "A 12-digit AWS account id"],
  [
    fields.routeTableCidrBlock,
    "An IPv4 network a.b.c.d/n inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, without host bits",
  ],
  [fields.vpcId, "vpc- and 17 lowercase hex characters (8 for older VPCs)"],
  [fields.azureDirectoryId, "A UUID"],
  [fields.resourceGroupName, "1 to 90 letters, digits or - _ . ( )"],
  [fields.vnetName, "1 to 64 letters, digits or - _ . ( )"],
  [fields.gcpProjectId, "6 to 30 lowercase letters, digits or hyphens, starting with a letter"],
  [fields.networkName, "An RFC 1035 label: 1 to 63 lowercase letters, digits or hyphens"],
];
for (const [schema, description] of FIELD_DESCRIPTIONS) requestSchemas.add(schema, { description });

/** The query parameters whose rules JSON Schema cannot carry, or whose default is the gateway's. */
const QUERY_DESCRIPTIONS: Array<[z.core.$ZodType, string]> = [
  [auditQuerySchema.shape.since, "ISO 8601 date or date-time; default 30 days ago"],
  [auditQuerySchema.shape.limit, "1 to 100; default 50"],
  [changeListQuerySchema.shape.limit, "1 to 100; default 20"],
  [changeListQuerySchema.shape.cursor, "The cursor of the previous page, as returned"],
  [auditQuerySchema.shape.cursor, "The cursor of the previous page, as returned"],
  [
    inventoryQuerySchema.shape.q,
    "Only peerings one of whose ids contains this, ignoring case: pcx-…, vpc-…, the Atlas peer id, a VNet or " +
      "GCP network name, an account, subscription or project id, the import id, the last change's id",
  ],
  [
    inventoryQuerySchema.shape.provider,
    "Only this provider's peerings (one Atlas list read instead of three)",
  ],
];
for (const [schema, description] of QUERY_DESCRIPTIONS) requestSchemas.add(schema, { description });

/** The query schema of each route that takes one, by the name its parameters are listed under. */
export const QUERY_SCHEMAS = {
  atlasFlags: atlasQuerySchema,
  atlasPeerList: listSchema,
  changeList: changeListQuerySchema,
  audit: auditQuerySchema,
  inventory: inventoryQuerySchema,
} as const;

export type QueryName = keyof typeof QUERY_SCHEMAS;

/** An OpenAPI parameter object. */
export interface Parameter {
  name: string;
  in: "query" | "path" | "header";
  required: boolean;
  description?: string;
  schema: Record<string, unknown>;
}

/** The parameters of a query schema: one per property, `required` as the schema says. */
export function queryParameters(name: QueryName): Parameter[] {
  const json = z.toJSONSchema(QUERY_SCHEMAS[name], { io: "input", metadata: requestSchemas });
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(json.properties ?? {}).map(([property, schema]) => ({
    name: property,
    in: "query",
    required: required.has(property),
    schema: schema as Record<string, unknown>,
  }));
}

/** The path parameter `{name}` with the schema the gateway checks it with. */
export function pathParameter(name: "groupId" | "peerId" | "id"): Parameter {
  const schema =
    name === "id"
      ? { type: "string", description: "The change's id, from the answer that created it" }
      : z.toJSONSchema(name === "groupId" ? fields.groupId : fields.peerId, {
          io: "input",
          metadata: requestSchemas,
        });
  const { $schema: _, ...rest } = schema as Record<string, unknown>;
  return { name, in: "path", required: true, schema: rest };
}
