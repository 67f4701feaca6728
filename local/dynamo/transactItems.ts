import type { IncomingMessage } from "node:http";
import { type AttributeMap, type Upstream, validationError } from "./upstream.js";

/** AWS's limit on the items of one TransactWriteItems or TransactGetItems. */
export const MAX_TRANSACT_ITEMS = 100;

/** One entry of `TransactItems`: its kind (`Put`, `Update`, `Delete`, `ConditionCheck`, `Get`) and its body. */
export interface TransactItem {
  kind: string;
  op: Record<string, unknown>;
  table: string;
}

/**
 * The request's `TransactItems`, checked as DynamoDB checks them before touching any item: 1 to 100
 * entries, each holding exactly one of `kinds`, each naming a table. The rest (keys, expressions) is left
 * to dynalite, which checks it on the single-item call each entry becomes.
 */
export function transactItemsOf(input: Record<string, unknown>, kinds: readonly string[]): TransactItem[] {
  const items = input.TransactItems;
  const constraint = (rule: string) =>
    validationError(
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: ${rule}`,
    );
  if (!Array.isArray(items)) throw constraint("Member must not be null");
  if (items.length === 0) throw constraint("Member must have length greater than or equal to 1");
  if (items.length > MAX_TRANSACT_ITEMS) {
    throw constraint(`Member must have length less than or equal to ${MAX_TRANSACT_ITEMS}`);
  }
  return items.map((entry: unknown) => {
    const present = kinds.filter((kind) => isObject((entry as Record<string, unknown> | null)?.[kind]));
    const [kind] = present;
    if (kind === undefined || present.length > 1 || Object.keys(entry as object).length > 1) {
      throw validationError(`TransactItems can only contain one of ${kinds.join(", ")}`);
    }
    const op = (entry as Record<string, Record<string, unknown>>)[kind] as Record<string, unknown>;
    if (typeof op.TableName !== "string") throw validationError(`${kind} must name a TableName`);
    if (kind === "ConditionCheck" && typeof op.ConditionExpression !== "string") {
      throw validationError("ConditionCheck must have a ConditionExpression");
    }
    return { kind, op, table: op.TableName };
  });
}

/** The key attribute names of each table the items name (DescribeTable; an unknown table's error as is). */
export async function keySchemas(
  upstream: Upstream,
  items: TransactItem[],
  req: IncomingMessage,
): Promise<Map<string, string[]>> {
  const schemas = new Map<string, string[]>();
  for (const { table } of items) {
    if (schemas.has(table)) continue;
    const { Table } = await upstream.call("DescribeTable", { TableName: table }, req);
    const keySchema = (Table as { KeySchema?: { AttributeName: string }[] } | undefined)?.KeySchema ?? [];
    schemas.set(
      table,
      keySchema.map((element) => element.AttributeName),
    );
  }
  return schemas;
}

/** The primary key an entry addresses: `Key`, or for a Put the key attributes of its `Item`. */
export function keyOf(item: TransactItem, schema: string[]): AttributeMap {
  if (item.kind !== "Put") return isObject(item.op.Key) ? item.op.Key : {};
  const whole = isObject(item.op.Item) ? item.op.Item : {};
  return Object.fromEntries(schema.filter((name) => name in whole).map((name) => [name, whole[name]]));
}

/** Refuses two entries on one item, as DynamoDB does (it could not order them). */
export function refuseDuplicates(items: TransactItem[], keys: AttributeMap[]): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const entries = Object.entries(keys[index] ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    const id = JSON.stringify([item.table, entries]);
    if (seen.has(id))
      throw validationError("Transaction request cannot include multiple operations on one item");
    seen.add(id);
  });
}

/**
 * TransactGetItems as one consistent GetItem per entry, in order (the caller holds the write lock, so no
 * write lands between them). A missing item answers `{}` in its place, as DynamoDB does.
 */
export async function transactGet(
  upstream: Upstream,
  input: Record<string, unknown>,
  req: IncomingMessage,
): Promise<{ Responses: AttributeMap[] }> {
  const items = transactItemsOf(input, ["Get"]);
  refuseDuplicates(
    items,
    items.map((item) => keyOf(item, [])),
  );
  const Responses: AttributeMap[] = [];
  for (const { op } of items) {
    const { Item } = await upstream.call("GetItem", { ...op, ConsistentRead: true }, req);
    Responses.push(Item === undefined ? {} : { Item });
  }
  return { Responses };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
