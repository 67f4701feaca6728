import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

/**
 * The committed OpenAPI document and a JSON Schema 2020-12 validator over it (OpenAPI 3.1's dialect): schemas
 * are looked up by JSON pointer into the document, so `$ref`s resolve as a client's would.
 */

// biome-ignore lint/suspicious/noExplicitAny: the document is walked loosely; the tests assert on its shape.
export type Json = any;

export const DOCUMENT_URL = new URL("../../docs/openapi.json", import.meta.url);
export const openApiText = (): string => readFileSync(DOCUMENT_URL, "utf8");
export const openApi = (): Json => JSON.parse(openApiText());

const ID = "openapi.json";
// ajv-formats is CommonJS; its default export is the plugin under either interop.
const addFormats = ((addFormatsModule as Json).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

/** A validator of values against schemas found by JSON pointer (`/components/schemas/ChangeView`). */
export function documentValidator(document: Json = openApi()) {
  // strict: false: the document also holds OpenAPI keywords (paths, examples…) that are not JSON Schema.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, ID);
  return (pointer: string, value: unknown): string[] => {
    const validate = ajv.getSchema(`${ID}#${pointer}`);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) => `${pointer}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
    );
  };
}

/** A JSON pointer segment (RFC 6901). */
export const segment = (key: string): string => key.replaceAll("~", "~0").replaceAll("/", "~1");

/** Follows one `$ref` of the document (`#/components/responses/Problem400`), if the node is one. */
export function resolve(document: Json, node: Json): Json {
  if (typeof node?.$ref !== "string") return node;
  return pointerTo(document, node.$ref.slice(1)).value;
}

export function pointerTo(document: Json, pointer: string): { value: Json; pointer: string } {
  const parts = pointer.split("/").slice(1);
  let value = document;
  for (const part of parts) value = value?.[part.replaceAll("~1", "/").replaceAll("~0", "~")];
  return { value, pointer };
}

/**
 * The JSON pointer of the schema the document gives for an answer of `operation` (`GET /v1/audit`) with
 * `status` and `contentType`: the status's response or `default`, through a `$ref` to components.responses.
 */
export function responseSchemaPointer(
  document: Json,
  operation: string,
  status: number,
  contentType: string,
): string {
  const [method = "", path = ""] = operation.split(" ");
  const base = `/paths/${segment(path)}/${method.toLowerCase()}/responses`;
  const responses = pointerTo(document, base).value;
  if (!responses) throw new Error(`${operation} is not in the document`);
  const key = String(status) in responses ? String(status) : "default";
  const response = responses[key];
  if (!response) throw new Error(`${operation} does not document ${status}`);
  const responsePointer = typeof response.$ref === "string" ? response.$ref.slice(1) : `${base}/${key}`;
  const mediaType = contentType.split(";")[0]?.trim() ?? "";
  if (!resolve(document, response).content?.[mediaType]) {
    throw new Error(`${operation} ${status} does not document ${mediaType}`);
  }
  return `${responsePointer}/content/${segment(mediaType)}/schema`;
}
