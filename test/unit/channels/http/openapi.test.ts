import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument, canonicalJson } from "../../../../src/channels/http/openapi/document.js";
import { matchRoute, type Route } from "../../../../src/channels/http/routes.js";
import { isSlackCommand } from "../../../../src/channels/slack/slackRoute.js";
import { validateChangeRequest, validatePeeringSettings } from "../../../../src/domain/peering/request.js";
import {
  documentValidator,
  type Json,
  openApi,
  openApiText,
  pointerTo,
  resolve,
  segment,
} from "../../../helpers/openapi.js";

const document = openApi();
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const SAMPLE: Record<string, string> = {
  groupId: "5e57d85c854180642f7844bf",
  peerId: "6f68e96d965291753f8955c0",
  id: "0b7d6e0a-3c1f-4a55-9d8e-2f4a1c9b7e10",
};

/** Every kind of route: a kind added to `Route` without a line here fails to compile. */
const ROUTE_KINDS: Record<Route["kind"], true> = {
  "atlas-peer": true,
  "atlas-peer-read": true,
  "atlas-peer-list": true,
  "submit-change": true,
  "list-changes": true,
  "get-change": true,
  "cancel-change": true,
  audit: true,
  "list-peerings": true,
  openapi: true,
};

const concrete = (template: string) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE[name] ?? name);

/** What the http function does with a request: the route kind it serves, "slack", or undefined (404/405). */
function served(method: string, path: string): string | undefined {
  const request = { method, rawPath: path } as Parameters<typeof isSlackCommand>[0];
  if (isSlackCommand(request)) return "slack";
  try {
    return matchRoute(method, path).kind;
  } catch {
    return undefined;
  }
}

function documentedOperations(): string[] {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m.toLowerCase()]).map((m) => `${m} ${path}`),
  );
}

/** The `httpApi` events of the http function in serverless.yml, as `METHOD /path`. */
function serverlessRoutes(): string[] {
  const yml = readFileSync(new URL("../../../../serverless.yml", import.meta.url), "utf8");
  const events = [...yml.matchAll(/httpApi: \{ method: (\w+), path: ("[^"]+"|[^\s}]+) \}/g)];
  return events.map(([, method, path = ""]) => `${method} ${path.replaceAll('"', "")}`);
}

describe("the OpenAPI document (docs/openapi.json)", () => {
  it("is exactly what the schemas build: change a schema and forget `npm run openapi`, and this fails", () => {
    const { version } = JSON.parse(
      readFileSync(new URL("../../../../package.json", import.meta.url), "utf8"),
    );
    expect(openApiText()).toBe(canonicalJson(buildOpenApiDocument(version)));
  });

  it("is 2-space JSON with a trailing newline and sorted keys below the top level", () => {
    const text = openApiText();
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toBe(canonicalJson(JSON.parse(text)));
    expect(Object.keys(document).slice(0, 3)).toEqual(["openapi", "jsonSchemaDialect", "info"]);
    expect(document.openapi).toBe("3.1.0");
  });

  it("documents every operation the router serves, and the router serves every documented one", () => {
    const operations = new Set(documentedOperations());
    const seenKinds = new Set<string>();
    for (const template of Object.keys(document.paths)) {
      for (const method of METHODS) {
        const kind = served(method, concrete(template));
        if (kind) seenKinds.add(kind);
        expect([`${method} ${template}`, kind !== undefined]).toEqual([
          `${method} ${template}`,
          operations.has(`${method} ${template}`),
        ]);
      }
    }
    expect([...seenKinds].sort()).toEqual([...Object.keys(ROUTE_KINDS), "slack"].sort());
  });

  it("has exactly the routes serverless.yml gives API Gateway", () => {
    const routes = serverlessRoutes();
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.sort()).toEqual(documentedOperations().sort());
  });

  it("resolves every $ref", () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of new Set(refs)) {
      const target = ref.slice('"$ref":"#'.length, -1);
      expect([target, pointerTo(document, target).value !== undefined]).toEqual([target, true]);
    }
  });

  it("needs no credentials for the document only; every other operation names its security", () => {
    for (const operation of documentedOperations()) {
      const [method = "", path = ""] = operation.split(" ");
      const { security } = document.paths[path][method.toLowerCase()];
      if (path === "/v1/openapi.json") expect(security).toEqual([]);
      else expect([operation, security.length > 0]).toEqual([operation, true]);
    }
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      "bearerAuth",
      "gatewayCaller",
      "gatewaySignature",
      "gatewayTimestamp",
      "slackSignature",
      "slackTimestamp",
    ]);
  });
});

/** Every media type of the document that carries examples: where it is, its schema, its examples. */
function mediaTypesWithExamples(): Array<{ at: string; schema: string; examples: Record<string, Json> }> {
  const found: Array<{ at: string; schema: string; examples: Record<string, Json> }> = [];
  const walk = (node: Json, pointer: string) => {
    if (node === null || typeof node !== "object") return;
    if (node.examples && node.schema && !Array.isArray(node.examples)) {
      found.push({ at: pointer, schema: `${pointer}/schema`, examples: node.examples });
    }
    for (const [key, value] of Object.entries(node)) walk(value, `${pointer}/${segment(key)}`);
  };
  walk(document.paths, "/paths");
  walk(document.components.responses, "/components/responses");
  return found;
}

describe("the examples of the document", () => {
  const validate = documentValidator(document);
  const all = mediaTypesWithExamples();

  it("include an AWS, an Azure and a GCP peering body, a dry run and a problem", () => {
    const names = all.flatMap((m) => Object.keys(m.examples));
    for (const name of ["aws", "azure", "gcp", "dryRun", "validation", "diff", "accepted"]) {
      expect(names).toContain(name);
    }
  });

  it("each validate against the schema beside them", () => {
    expect(all.length).toBeGreaterThan(8);
    for (const { schema, examples } of all) {
      for (const [name, example] of Object.entries(examples)) {
        expect([schema, name, validate(schema, resolve(document, example).value)]).toEqual([
          schema,
          name,
          [],
        ]);
      }
    }
  });

  it("of request bodies are accepted by the gateway's own validators too", () => {
    const bodies = (path: string, method: string) =>
      Object.values(
        document.paths[path][method].requestBody.content["application/json"].examples as Record<string, Json>,
      ).map((e) => e.value);
    for (const body of bodies("/v1/peering-changes", "post"))
      expect(validateChangeRequest(body).ok).toBe(true);
    const v2 = "/api/atlas/v2/groups/{groupId}/peers/{peerId}";
    for (const body of bodies(v2, "patch")) expect(validatePeeringSettings(body, "full").ok).toBe(true);
    const v1 = "/api/atlas/v1.0/groups/{groupId}/peers/{peerId}";
    for (const body of bodies(v1, "patch")) expect(validatePeeringSettings(body, "partial").ok).toBe(true);
  });

  it("would catch a bad one: the schemas refuse what the gateway refuses", () => {
    const body = {
      groupId: SAMPLE.groupId,
      peerId: SAMPLE.peerId,
      peering: { containerId: "x", vpcId: "vpc-1" },
    };
    expect(validate("/components/schemas/ChangeRequest", body)).not.toEqual([]);
    const readOnly = { ...body, peering: { containerId: SAMPLE.groupId, statusName: "AVAILABLE" } };
    expect(validate("/components/schemas/ChangeRequest", readOnly)).not.toEqual([]);
    expect(validate("/components/schemas/ChangeRequest", { ...body, extra: 1 })).not.toEqual([]);
  });
});
