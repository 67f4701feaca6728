import { AuthenticationError } from "../../access/errors.js";
import { toView } from "../../domain/change/view.js";
import { RequestValidationError } from "../../domain/validation.js";
import { SlackSecretError } from "../../ports/SlackSigningSecrets.js";
import { audit } from "../../usecases/audit.js";
import { getChange } from "../../usecases/manageChanges.js";
import { answerWithProblems, type NoteCaller } from "../common/answered.js";
import type { GatewayRequest } from "../common/request.js";
import { type HttpResult, json } from "../common/response.js";
import { slackRefusalText } from "./answers.js";
import { callerForSlack, parseAction, parseSlashCommand, type SlashCommand } from "./command.js";
import type { SlackDeps } from "./deps.js";
import { changeMessage, refusalMessage, type SlackMessage, usageMessage } from "./messages.js";
import { verifySlackSignature } from "./signature.js";
import { slackChange } from "./slackChange.js";

const PATH = /^\/v1\/slack\/commands\/?$/;
/** Slack shows an error when the answer takes more than 3 s; Atlas calls get what is left of this. */
const SLACK_BUDGET_MS = 2_500;

/** Whether this is Slack's slash command POST (authenticated by Slack's signature, not a gateway credential). */
export function isSlackCommand(request: GatewayRequest): boolean {
  return request.method === "POST" && PATH.test(request.rawPath);
}

/**
 * `POST /v1/slack/commands` (failures answered as problems, logged and audited by {@link answerWithProblems}):
 * verifies Slack's signature over the raw bytes, maps the workspace and user (or
 * channel) to a caller, and answers within Slack's 3 seconds with an ephemeral message. Changes report their
 * progress and outcome later to the command's `response_url`. A mistyped command gets the usage text; a user
 * who may not act gets a polite refusal, never an error page.
 */
export function handleSlackCommand(request: GatewayRequest, deps: SlackDeps, deadline: number) {
  return answerWithProblems(request, deps, "slack", (noteCaller) =>
    slackCommandRoute(request, deps, deadline, noteCaller),
  );
}

async function slackCommandRoute(
  request: GatewayRequest,
  deps: SlackDeps,
  deadline: number,
  noteCaller: NoteCaller,
): Promise<HttpResult> {
  const verdict = verifySlackSignature({
    rawBody: request.rawBody,
    timestamp: request.headers["x-slack-request-timestamp"],
    signature: request.headers["x-slack-signature"],
    signingSecrets: await slackSigningSecrets(deps),
    nowSeconds: Math.floor(deps.now() / 1000),
  });
  if (!verdict.ok) throw new AuthenticationError(`The Slack signature is not valid (${verdict.reason}).`);
  const command = parseSlashCommand(request.rawBody);
  if (!command)
    throw new RequestValidationError([{ path: "", message: "not a Slack slash command payload" }]);
  const caller = callerForSlack((await deps.callers.registry()).callers, command);
  if (!caller) {
    await audit(deps, {
      requestId: request.requestId,
      channel: "slack",
      outcome: "refused",
      reason: "unknown Slack user",
      detail: `${command.teamId}/${command.userId}`,
    });
    return reply(
      refusalMessage(
        "Sorry, your Slack account is not set up to change Atlas peerings. Ask your platform team to add you.",
      ),
    );
  }
  noteCaller(caller.id);
  deps.logger.appendKeys({ slackTeam: command.teamId, slackUser: command.userId });
  const budget = Math.min(deadline, deps.now() + SLACK_BUDGET_MS);
  return reply(await answer(command, caller, request.requestId, deps, budget));
}

/** The `slackSigningSecrets` sources (one per container) whose missing secret was already reported. */
const reportedNotSetUp = new WeakSet<object>();

/**
 * The Slack app's signing secrets. A secret that does not exist means chatops is not set up: the request is
 * answered 404 (see problem.ts), and the operator warned once per container rather than on every command.
 */
async function slackSigningSecrets(deps: SlackDeps): Promise<string[]> {
  try {
    return await deps.slackSigningSecrets();
  } catch (error) {
    if (
      error instanceof SlackSecretError &&
      error.problem === "missing" &&
      !reportedNotSetUp.has(deps.slackSigningSecrets)
    ) {
      reportedNotSetUp.add(deps.slackSigningSecrets);
      // Keyed `missing`, not `secretId`: the log redactor hides the value of any key that says "secret".
      deps.logger.warn("Slack commands are not set up", {
        missing: error.secretId || "SLACK_SIGNING_SECRET_ID",
        detail: `Slack commands are answered 404 until then. ${error.detail}`,
      });
    }
    throw error;
  }
}

async function answer(
  command: SlashCommand,
  caller: Parameters<typeof getChange>[1],
  requestId: string,
  deps: SlackDeps,
  deadline: number,
): Promise<SlackMessage> {
  const action = parseAction(command.text);
  switch (action.kind) {
    case "help":
      return usageMessage();
    case "usage":
      return usageMessage(action.problem);
    case "status":
      return getChange(action.changeId, caller, deps).then(
        (change) => changeMessage(toView(change), `Change ${change.id}`),
        (error: unknown) => {
          const text = slackRefusalText(error);
          if (text === undefined) throw error;
          return refusalMessage(text);
        },
      );
    default:
      return slackChange(action, command, caller, requestId, deps, deadline);
  }
}

function reply(message: SlackMessage): HttpResult {
  return json(200, message);
}
