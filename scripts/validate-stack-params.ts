/**
 * `npm run package`'s last step: runs the functions' own configuration schema (src/wiring/config.ts) over the
 * environment the packaged CloudFormation template gives each Lambda function, so a bad stack parameter
 * (`--param atlasBaseUrl=…`, `changeDeadlineHours=…`) fails the package, naming the parameter, instead of
 * every cold start after the deploy.
 *
 * Usage: tsx scripts/validate-stack-params.ts [<package dir> (default .serverless)] [<serverless.yml>]
 *
 * It reads the template rather than serverless.yml because the template is what CloudFormation will receive:
 * every `${param:…}`, `${file(…)}` and default already resolved by the framework.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { resolve, type Template } from "../local/lambda/template.js";
import { checkConfig } from "../src/wiring/config.js";

/** A variable some functions cannot start with, and the stack parameter it comes from (when one does). */
export interface StackParamProblem {
  /** `ATLAS_BASE_URL`, or `ATLAS_SECRET_IDS_BY_PROJECT.<key>` for an entry of a JSON variable. */
  variable: string;
  /** The serverless.yml `${param:…}` that sets the variable; absent for a value written in serverless.yml. */
  param?: string;
  message: string;
  /** Whether the template sets the variable at all (a required one missing is a serverless.yml bug). */
  inTemplate: boolean;
  /** Logical ids of the functions given this value (`HttpLambdaFunction`…). */
  functions: string[];
}

/**
 * Which environment variable each `${param:…}` feeds, read from serverless.yml's `environment:` entries
 * (`ATLAS_BASE_URL: ${param:atlasBaseUrl}`). A line-level read is enough: the file writes one variable a
 * line, and the framework has already checked the YAML by the time this runs.
 */
export function paramsByVariable(serverlessYml: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of serverlessYml.matchAll(/^\s+([A-Z][A-Z0-9_]*):\s*["']?\$\{param:([A-Za-z0-9_]+)/gm)) {
    const [, variable, param] = match;
    if (variable && param) found.set(variable, param);
  }
  return found;
}

/** Each `AWS::Lambda::Function`'s `Environment.Variables`, intrinsics resolved as CloudFormation would. */
export function functionEnvironments(template: Template): Array<[string, Record<string, string>]> {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === "AWS::Lambda::Function")
    .map(([logicalId, resource]) => {
      const environment = resource.Properties?.Environment as
        | { Variables?: Record<string, unknown> }
        | undefined;
      const variables = Object.entries(environment?.Variables ?? {}).map(([name, value]) => [
        name,
        resolvedValue(value, template),
      ]);
      return [logicalId, Object.fromEntries(variables)];
    });
}

/**
 * A `Ref`/`Fn::GetAtt`/`Fn::Sub` value as the stack would see it (a table name, an ARN). An intrinsic the
 * local resolver does not know gets a placeholder ARN: it names a resource the stack creates, not a parameter,
 * so only its form matters here.
 */
function resolvedValue(value: unknown, template: Template): string {
  try {
    const resolved = resolve(value, template);
    return typeof resolved === "string" ? resolved : JSON.stringify(resolved);
  } catch {
    return "arn:aws:cloudformation:eu-west-1:123456789012:placeholder/resolved-at-deploy";
  }
}

/** Every variable some function cannot start with, once per variable and message, with the functions. */
export function validateStackParams(template: Template, params: Map<string, string>): StackParamProblem[] {
  const byKey = new Map<string, StackParamProblem>();
  for (const [logicalId, environment] of functionEnvironments(template)) {
    for (const issue of checkConfig(environment)) {
      const key = `${issue.variable}\n${issue.message}`;
      const seen = byKey.get(key);
      if (seen) {
        seen.functions.push(logicalId);
        continue;
      }
      const param = params.get(issue.variable.split(".")[0] ?? "");
      byKey.set(key, {
        variable: issue.variable,
        ...(param === undefined ? {} : { param }),
        message: issue.message,
        inTemplate: (issue.variable.split(".")[0] ?? "") in environment,
        functions: [logicalId],
      });
    }
  }
  return [...byKey.values()];
}

/**
 * The report `npm run package` prints: one line per problem, the parameter first. `functionCount` (the
 * template's functions) shortens a problem every function shares to "every function".
 */
export function formatProblems(
  problems: StackParamProblem[],
  functionCount = Number.POSITIVE_INFINITY,
): string {
  const lines = problems.map((problem) => {
    const which = problem.functions.length >= functionCount ? "every function" : problem.functions.join(", ");
    const where = `${problem.variable} of ${which}`;
    const what = problem.param
      ? `stack parameter ${problem.param} (${where})`
      : `${where} (${problem.inTemplate ? "its value in" : "not set by"} serverless.yml)`;
    return `  - ${what}: ${problem.message}`;
  });
  return [
    "The packaged stack would not start: its functions' configuration is not valid.",
    ...lines,
    "Fix the --param value (or its default under params: in serverless.yml) and package again.",
  ].join("\n");
}

async function main(args: string[]): Promise<number> {
  const [packageDir = ".serverless", serverlessYml = "serverless.yml"] = args;
  const templatePath = join(packageDir, "cloudformation-template-update-stack.json");
  const template = JSON.parse(await readFile(templatePath, "utf8")) as Template;
  const problems = validateStackParams(template, paramsByVariable(await readFile(serverlessYml, "utf8")));
  if (problems.length === 0) return 0;
  console.error(formatProblems(problems, functionEnvironments(template).length));
  return 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv.slice(2));
}
