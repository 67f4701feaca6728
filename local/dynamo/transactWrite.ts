/**
 * TransactWriteItems, which dynalite lacks, emulated with the single-item calls it has. The caller holds
 * the front's write lock, so no other write lands between the steps:
 *
 * 1. the items' keys (DescribeTable for a Put's key attributes); two entries on one item are refused;
 * 2. a snapshot of each item (consistent GetItem), then each entry's condition, evaluated by dynalite
 *    itself on a write that changes nothing (see {@link checkCondition}). Every entry is checked, so the
 *    CancellationReasons name each failing one as DynamoDB's do, and a cancelled transaction wrote nothing;
 * 3. the writes in order (PutItem, UpdateItem, DeleteItem, conditions included). One failing at run time
 *    (an operand of the wrong type…) puts the snapshots of those already written back, in reverse order.
 *
 * `ClientRequestToken` is ignored: a retried transaction runs again (and meets its own conditions).
 */
import type { IncomingMessage } from "node:http";
import { keyOf, keySchemas, refuseDuplicates, transactItemsOf } from "./transactItems.js";
import { type AttributeMap, DynamoError, type Upstream } from "./upstream.js";

const WRITE_KINDS = ["ConditionCheck", "Put", "Delete", "Update"] as const;
const ACTIONS: Record<string, string> = { Put: "PutItem", Update: "UpdateItem", Delete: "DeleteItem" };
const CANCELLED = "com.amazonaws.dynamodb.v20120810#TransactionCanceledException";
/**
 * ValidationException messages of dynalite that depend on the item, not the request: DynamoDB reports
 * those as a cancellation reason (`ValidationError`), and the rest (syntax…) as the request's error.
 */
const ITEM_VALIDATION =
  /^(Type mismatch|An operand in the update expression|The document path provided|Item size|The update expression attempted|Number overflow)/;

/** One entry with the key of its item and that item as it was before (absent: there was none). */
interface Planned {
  kind: string;
  op: Record<string, unknown>;
  table: string;
  key: AttributeMap;
  old: AttributeMap | undefined;
}

/** One of CancellationReasons, shaped as the SDK reads it (`{Item, Code, Message}`). */
interface Reason {
  Code: string;
  Message?: string;
  Item?: AttributeMap;
}

/** Runs the transaction; its refusal or cancellation is thrown as the {@link DynamoError} to answer. */
export async function transactWrite(
  upstream: Upstream,
  input: Record<string, unknown>,
  req: IncomingMessage,
): Promise<void> {
  const items = transactItemsOf(input, WRITE_KINDS);
  const schemas = await keySchemas(upstream, items, req);
  const keys = items.map((item) => keyOf(item, schemas.get(item.table) ?? []));
  refuseDuplicates(items, keys);
  const planned: Planned[] = [];
  for (const [index, item] of items.entries()) {
    const key = keys[index] ?? {};
    const { Item } = await upstream.call(
      "GetItem",
      { TableName: item.table, Key: key, ConsistentRead: true },
      req,
    );
    planned.push({ ...item, key, old: Item as AttributeMap | undefined });
  }
  const reasons: Reason[] = [];
  for (const entry of planned) reasons.push(await conditionReason(upstream, entry, req));
  if (reasons.some((reason) => reason.Code !== "None")) throw cancelled(reasons);
  await writeAll(upstream, planned, req);
}

/** `None` when the entry's condition holds (or it has none), else `ConditionalCheckFailed`. */
async function conditionReason(upstream: Upstream, entry: Planned, req: IncomingMessage): Promise<Reason> {
  if (typeof entry.op.ConditionExpression !== "string") return { Code: "None" };
  try {
    await checkCondition(upstream, entry, req);
    return { Code: "None" };
  } catch (error) {
    if (!(error instanceof DynamoError && error.type === "ConditionalCheckFailedException")) throw error;
    return failedReason(entry);
  }
}

/** The reason of a failed condition; with ALL_OLD, the item as it was (none when there was no item). */
function failedReason({ op, old }: Planned): Reason {
  const withItem = op.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && old !== undefined;
  return {
    Code: "ConditionalCheckFailed",
    Message: "The conditional request failed",
    ...(withItem ? { Item: old } : {}),
  };
}

/**
 * Has dynalite evaluate the entry's condition without changing anything: it puts the snapshot back as it
 * is, or, when there is no item, deletes the missing item. Either way dynalite tests the condition against
 * the item (or its absence) exactly as it would for the real write.
 */
async function checkCondition(upstream: Upstream, entry: Planned, req: IncomingMessage): Promise<void> {
  const condition = conditionOnly(entry.op, entry.kind === "Update");
  if (entry.old === undefined) {
    await upstream.call("DeleteItem", { TableName: entry.table, Key: entry.key, ...condition }, req);
  } else {
    await upstream.call("PutItem", { TableName: entry.table, Item: entry.old, ...condition }, req);
  }
}

/**
 * The entry's condition and its placeholders. An Update's names and values also serve its
 * UpdateExpression; dynalite refuses unused ones, so only those the condition names are kept.
 */
function conditionOnly(op: Record<string, unknown>, onlyUsed: boolean): Record<string, unknown> {
  const expression = String(op.ConditionExpression);
  const used = new Set(expression.match(/[#:][A-Za-z0-9_]+/g) ?? []);
  const keep = (map: unknown) => {
    if (map === null || typeof map !== "object") return undefined;
    const entries = Object.entries(map).filter(([name]) => !onlyUsed || used.has(name));
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  };
  const names = keep(op.ExpressionAttributeNames);
  const values = keep(op.ExpressionAttributeValues);
  return {
    ConditionExpression: expression,
    ...(names === undefined ? {} : { ExpressionAttributeNames: names }),
    ...(values === undefined ? {} : { ExpressionAttributeValues: values }),
  };
}

/** The writes in order; on a failure, those done are undone before the failure is reported. */
async function writeAll(upstream: Upstream, planned: Planned[], req: IncomingMessage): Promise<void> {
  const written: Planned[] = [];
  for (const [index, entry] of planned.entries()) {
    const action = ACTIONS[entry.kind];
    if (action === undefined) continue; // A ConditionCheck writes nothing; its condition held above.
    try {
      // ReturnValuesOnConditionCheckFailure goes along: dynalite drops parameters it does not know.
      await upstream.call(action, entry.op, req);
      written.push(entry);
    } catch (error) {
      await restore(upstream, written.reverse(), req);
      throw failureAt(error, index, planned);
    }
  }
}

/** Puts each snapshot back, or deletes the item when there was none. */
async function restore(upstream: Upstream, written: Planned[], req: IncomingMessage): Promise<void> {
  for (const { table, key, old } of written) {
    if (old === undefined) await upstream.call("DeleteItem", { TableName: table, Key: key }, req);
    else await upstream.call("PutItem", { TableName: table, Item: old }, req);
  }
}

/** What a write failing at run time means for the transaction: a cancellation, or the request's error. */
function failureAt(error: unknown, index: number, planned: Planned[]): unknown {
  if (!(error instanceof DynamoError)) return error;
  const reasonOf = (): Reason | undefined => {
    // Nothing wrote between the check and the write, so this is only a safeguard.
    if (error.type === "ConditionalCheckFailedException") return failedReason(planned[index] as Planned);
    if (error.type === "ValidationException" && ITEM_VALIDATION.test(error.message)) {
      return { Code: "ValidationError", Message: error.message };
    }
    return undefined;
  };
  const reason = reasonOf();
  if (reason === undefined) return error;
  return cancelled(planned.map((_, at) => (at === index ? reason : { Code: "None" })));
}

/** TransactionCanceledException as DynamoDB sends it (note `Message`, capitalised, unlike other errors). */
function cancelled(reasons: Reason[]): DynamoError {
  const codes = reasons.map((reason) => reason.Code).join(", ");
  return new DynamoError(400, {
    __type: CANCELLED,
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
    CancellationReasons: reasons,
  });
}
