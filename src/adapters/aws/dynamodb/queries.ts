/** The index Queries behind `ChangeStore.list` (`byProject`) and `ChangeStore.due` (`due`). */
import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { ChangeQuery } from "../../../domain/change/listQuery.js";
import { ChangeStoreError } from "../../../ports/ChangeStore.js";
import type { Item } from "./codec.js";
import {
  BY_PROJECT_INDEX,
  changeKey,
  DUE_AT,
  DUE_INDEX,
  DUE_PARTITION,
  DUE_PK,
  idFromProjectSortKey,
  PROJECT_PK,
  PROJECT_SK,
  projectPartition,
} from "./table.js";

/**
 * One newest-first page of a project's changes, at most `pageSize` items evaluated (before the filter),
 * starting after the change whose `byProject` sort key is `after`.
 */
export function projectPageQuery(
  tableName: string,
  query: Pick<ChangeQuery, "groupId" | "peerId" | "state">,
  pageSize: number,
  after: string | undefined,
): QueryCommandInput {
  const names: Record<string, string> = { "#ppk": PROJECT_PK };
  const values: Record<string, unknown> = { ":ppk": projectPartition(query.groupId) };
  const filters: string[] = [];
  // Names for every attribute: `state` is a DynamoDB reserved word.
  if (query.peerId !== undefined) {
    names["#peerId"] = "peerId";
    values[":peerId"] = query.peerId;
    filters.push("#peerId = :peerId");
  }
  if (query.state !== undefined) {
    names["#state"] = "state";
    values[":state"] = query.state;
    filters.push("#state = :state");
  }
  return {
    TableName: tableName,
    IndexName: BY_PROJECT_INDEX,
    KeyConditionExpression: "#ppk = :ppk",
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    Limit: pageSize,
    ...(filters.length > 0 ? { FilterExpression: filters.join(" AND ") } : {}),
    ...(after === undefined ? {} : { ExclusiveStartKey: startKey(query.groupId, after) }),
  };
}

/**
 * Up to `limit` items of one partition of the sparse `due` index whose time is at or before `now`, oldest
 * first: changes whose next check is due (`DUE`, the default), or notifications due another attempt (`NOTIFY`).
 */
export function dueQuery(
  tableName: string,
  now: number,
  limit: number,
  partition: string = DUE_PARTITION,
): QueryCommandInput {
  return {
    TableName: tableName,
    IndexName: DUE_INDEX,
    KeyConditionExpression: "#duePk = :due AND #dueAt <= :now",
    ExpressionAttributeNames: { "#duePk": DUE_PK, "#dueAt": DUE_AT },
    ExpressionAttributeValues: { ":due": partition, ":now": now },
    ScanIndexForward: true,
    Limit: limit,
  };
}

/** The `byProject` sort key of a LastEvaluatedKey DynamoDB returned. */
export function projectSortKeyOf(key: Item): string {
  const sortKey = key[PROJECT_SK];
  if (typeof sortKey !== "string")
    throw new ChangeStoreError("DynamoDB returned a LastEvaluatedKey without its index sort key.");
  return sortKey;
}

/** A GSI's ExclusiveStartKey names the index key and the table key of the item to continue after. */
function startKey(groupId: string, after: string): Item {
  return {
    ...changeKey(idFromProjectSortKey(after)),
    [PROJECT_PK]: projectPartition(groupId),
    [PROJECT_SK]: after,
  };
}
