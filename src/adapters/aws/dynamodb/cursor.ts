/**
 * Opaque `list` cursors. A cursor carries the `byProject` sort key of the last change a page returned (or of
 * the last item DynamoDB evaluated), so the next page starts exactly after it: nothing skipped, nothing repeated,
 * whatever a filter dropped.
 */
import { InvalidChangeCursorError } from "../../../ports/ChangeStore.js";
import { isProjectSortKey } from "./table.js";

interface CursorBody {
  /** The `byProject` sort key to continue after. */
  after: string;
}

/** base64url(JSON) of the position after `projectSortKey`. */
export function encodeCursor(projectSortKey: string): string {
  const body: CursorBody = { after: projectSortKey };
  return Buffer.from(JSON.stringify(body), "utf8").toString("base64url");
}

/** The `byProject` sort key a cursor continues after; throws {@link InvalidChangeCursorError} if malformed. */
export function decodeCursor(cursor: string): string {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidChangeCursorError();
  }
  const after = body && typeof body === "object" ? (body as Partial<CursorBody>).after : undefined;
  if (typeof after !== "string" || !isProjectSortKey(after)) throw new InvalidChangeCursorError();
  return after;
}
