import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { startApiGatewayServer } from "../../../local/apiGatewayServer.js";
import { startDynamoDbEmulator } from "../../../local/aws/dynamodb.js";
import { startEventBridgeEmulator } from "../../../local/aws/eventBridge.js";
import { type EmulatedSchedule, startSchedulerEmulator } from "../../../local/aws/scheduler.js";
import { startSecretsManagerEmulator } from "../../../local/aws/secretsManager.js";
import { type FunctionSpec, functionsOf } from "../../../local/lambda/functions.js";
import { type Invocation, type LambdaProcess, startLambda, unpack } from "../../../local/lambda/runtime.js";
import { readTemplate, type Template } from "../../../local/lambda/template.js";
import { DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, startAtlasSimulator } from "../../../local/simulator/index.js";
import { startReceiver } from "./receiver.js";

export const TOKEN = `art-${randomBytes(12).toString("hex")}`;
export const OTHER_PROJECT_TOKEN = `art-${randomBytes(12).toString("hex")}`;
export const SIGNING_SECRET = randomBytes(24).toString("hex");
export const CALLBACK_SECRET = `whsec_${randomBytes(24).toString("base64")}`;
export const SLACK_SECRET = randomBytes(16).toString("hex");
export const SLACK_TEAM = "T0ARTEFACT";
export const EVENT_SOURCE = "ci.automation";
const OTHER_GROUP = "aaaaaaaaaaaaaaaaaaaaaaaa";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The callers registry the packaged functions read from (emulated) Secrets Manager. */
function callers() {
  return {
    callers: [
      {
        id: "artefact-ci",
        tokenSha256: [sha256(TOKEN)],
        signingSecrets: [SIGNING_SECRET],
        projects: [{ groupId: "*" }],
        callbackSecret: CALLBACK_SECRET,
        callbackHosts: ["127.0.0.1"],
        slack: [{ teamId: SLACK_TEAM }],
        eventSources: [{ source: EVENT_SOURCE }],
      },
      { id: "other-team", tokenSha256: [sha256(OTHER_PROJECT_TOKEN)], projects: [{ groupId: OTHER_GROUP }] },
    ],
  };
}

/** Every invocation of a function and what it gave back. */
export interface InvocationLog {
  function: string;
  event: unknown;
  outcome: Invocation;
}

/**
 * The packaged functions, each unzipped alone and run in a fresh Node process with the environment the
 * template gives it, pointed through the standard `AWS_ENDPOINT_URL_<SERVICE>` variables at the local
 * stand-ins (dynalite with the template's table, the Secrets Manager, Scheduler and EventBridge emulators)
 * and at the Atlas simulator. The http function sits behind the local API Gateway (payload v2) server.
 */
export async function startArtefactStack() {
  const dir = inject("artefactDir");
  const template = await readTemplate(join(dir, "cloudformation-template-update-stack.json"));
  const specs = functionsOf(template);
  const sim = await startAtlasSimulator({ stepMs: 150 });
  const callbacks = await startReceiver();
  const slack = await startReceiver();
  const invocations: InvocationLog[] = [];
  let functions: Record<string, LambdaProcess> = {};
  const invoke = async (key: string, event: unknown) => {
    const fn = functions[key];
    if (!fn) throw new Error(`no function ${key}`);
    const outcome = await fn.invoke(event);
    invocations.push({ function: key, event, outcome });
    return outcome;
  };
  // Scheduler invokes its Lambda target asynchronously with the schedule's Input as the event.
  const cloud = await startCloud(template, specs, async (schedule) => {
    const target = specs.find((spec) => spec.arn === schedule.input.Target?.Arn);
    if (target) await invoke(target.key, JSON.parse(schedule.input.Target?.Input ?? "null"));
  });
  const overrides = {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: cloud.secrets.url,
    AWS_ENDPOINT_URL_DYNAMODB: cloud.dynamo.url,
    AWS_ENDPOINT_URL_SCHEDULER: cloud.scheduler.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: cloud.bus.url,
    ATLAS_BASE_URL: sim.url,
    SLACK_REPLY_HOSTS: "hooks.slack.com,127.0.0.1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    // Cadence, not wiring: a change is overdue for the sweeper in seconds instead of minutes.
    RECHECK_DELAY_SECONDS: "1",
    RECHECK_HUMAN_WAIT_MAX_SECONDS: "2",
    SWEEP_GRACE_SECONDS: "0.5",
  };
  const codeRoot = await mkdtemp(join(tmpdir(), "apg-functions-"));
  const running = await Promise.all(
    specs.map(async (spec) => {
      const code = await unpack(join(dir, spec.zip), join(codeRoot, spec.key));
      return [spec.key, await startLambda(spec, code, { overrides })] as const;
    }),
  );
  functions = Object.fromEntries(running);
  for (const rule of cloud.rules) {
    if (rule.pattern) {
      cloud.bus.addRule({
        name: rule.logicalId,
        eventBusName: rule.eventBusName ?? "default",
        pattern: rule.pattern,
        target: async (event) => {
          const outcome = await invoke(rule.targetFunction, event);
          if (outcome.error) throw new Error(outcome.error.errorMessage);
        },
      });
    }
  }
  const gateway = await startApiGatewayServer(async (event) => {
    const outcome = await invoke("http", event);
    if (outcome.error) throw new Error(`${outcome.error.errorType}: ${outcome.error.errorMessage}`);
    return outcome.result as Awaited<ReturnType<Parameters<typeof startApiGatewayServer>[0]>>;
  });
  return {
    template,
    specs,
    sim,
    callbacks,
    slack,
    ...cloud,
    functions,
    invocations,
    invoke,
    gatewayUrl: gateway.url,
    groupId: sim.demo.groupId,
    otherGroupId: OTHER_GROUP,
    close: async () => {
      await Promise.all(Object.values(functions).map((fn) => fn.stop()));
      await gateway.close();
      await Promise.all([sim.close(), callbacks.close(), slack.close(), cloud.close()]);
      await rm(codeRoot, { recursive: true, force: true });
    },
  };
}

export type ArtefactStack = Awaited<ReturnType<typeof startArtefactStack>>;

/** The emulated AWS account: the template's table, the secrets, Scheduler and the bus with its rules. */
async function startCloud(
  template: Template,
  specs: FunctionSpec[],
  onFire: (schedule: EmulatedSchedule) => Promise<void>,
) {
  const env = specs[0]?.environment ?? {};
  const secrets = await startSecretsManagerEmulator({
    secrets: {
      [String(env.ATLAS_SECRET_ID)]: JSON.stringify({
        publicKey: DEMO_PUBLIC_KEY,
        privateKey: DEMO_PRIVATE_KEY,
      }),
      [String(env.CALLERS_SECRET_ID)]: JSON.stringify(callers()),
      [String(env.SLACK_SIGNING_SECRET_ID)]: JSON.stringify({ signingSecret: SLACK_SECRET }),
    },
  });
  const dynamo = await startDynamoDbEmulator();
  const { createTableFromTemplate } = await import("../../../local/aws/dynamodb.js");
  const table = template.Resources.ChangesTable;
  if (!table) throw new Error("the template has no ChangesTable");
  await createTableFromTemplate(dynamo.url, table as { Properties: Record<string, unknown> });
  const scheduler = await startSchedulerEmulator({ autoFire: false, onFire });
  const bus = await startEventBridgeEmulator({});
  const { rulesOf } = await import("../../../local/lambda/functions.js");
  return {
    secrets,
    dynamo,
    scheduler,
    bus,
    rules: rulesOf(template),
    close: async () => {
      await Promise.all([secrets.close(), dynamo.close(), scheduler.close(), bus.close()]);
    },
  };
}
