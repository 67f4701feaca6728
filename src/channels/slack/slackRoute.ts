import { AuthenticationError } from "../../access/errors.js";
import { toView } from "../../domain/change/view.js";
import { validateInventoryQuery } from "../../domain/peering/inventoryQuery.js";
import { RequestValidationError } from "../../domain/validation.js";
import { SlackSecretError } from "../../ports/SlackSigningSecrets.js";
import { audit } from "../../usecases/audit.js";
import { listPeerings } from "../../usecases/listPeerings.js";
import { getChange } from "../../usecases/manageChanges.js";
import { answerWithProblems, type NoteCaller } from "../common/answered.js";
import { inventoryAnswer } from "../common/inventoryAnswer.js";
import type { GatewayRequest } from "../common/request.js";
import { type HttpResult, json } from "../common/response.js";
import { allValid } from "../common/validated.js";
import { slackRefusalText } from "./answers.js";
import { callerForSlack, parseAction, parseSlashCommand, type SlashCommand } from "./command.js";
import type { SlackDeps } from "./deps.js";
import {
  changeMessage,
  peeringsMessage,
  refusalMessage,
  type SlackMessage,
  usageMessage,
} from "./messages.js";
import { SLACK_TOLERANCE_SECONDS, slackReplayKey, verifySlackSignature } from "./signature.js";
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
  const command = await verifiedCommand(request, deps);
  const caller = callerForSlack((await deps.callers.registry()).callers, command);
  // Before anything acts or answers from the command: a second copy of one signed delivery does nothing.
  if (!(await firstDelivery(request, command, deps))) return answerReplay(request, command, caller, deps);
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

/** The slash command of a request Slack signed (401 otherwise), read from its form body (400 when it is not one). */
async function verifiedCommand(request: GatewayRequest, deps: SlackDeps): Promise<SlashCommand> {
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
  return command;
}

/**
 * Whether this signed delivery is seen for the first time. Its key is the hash of Slack's signed base string
 * and the workspace, remembered until its timestamp leaves Slack's window (after which the signature check
 * refuses it anyway). Slack does not retry slash commands (a slow answer shows the user a timeout), so a copy is
 * a replay of a captured request; should Slack ever redeliver (`X-Slack-Retry-Num`), that copy must not act
 * twice either.
 */
async function firstDelivery(request: GatewayRequest, command: SlashCommand, deps: SlackDeps) {
  // verifySlackSignature accepted it, so the header is there and all digits.
  const timestamp = request.headers["x-slack-request-timestamp"] ?? "";
  const key = slackReplayKey(command.teamId, timestamp, request.rawBody);
  const expiresAt = Number(timestamp) + SLACK_TOLERANCE_SECONDS;
  return deps.replay.firstSeen(key, expiresAt, Math.floor(deps.now() / 1000));
}

/**
 * A copy of a command already handled: audited and logged as a refused replay, answered with an ephemeral
 * message Slack shows only to the user (a 200, so neither Slack nor the user sees an error), and nothing done.
 */
async function answerReplay(
  request: GatewayRequest,
  command: SlashCommand,
  caller: { id: string } | undefined,
  deps: SlackDeps,
): Promise<HttpResult> {
  // The header is not signed: only its digits are repeated, so a sender cannot write into the log or audit.
  const retry = request.headers["x-slack-retry-num"];
  const retried = retry === undefined ? "" : ` (X-Slack-Retry-Num ${/^\d{1,3}$/.test(retry) ? retry : "?"})`;
  const detail = `${command.teamId}/${command.userId}: the same signed command was delivered again${retried}`;
  deps.logger.warn("Slack command replayed", {
    slackTeam: command.teamId,
    slackUser: command.userId,
    detail,
  });
  await audit(deps, {
    requestId: request.requestId,
    channel: "slack",
    outcome: "refused",
    reason: "replay",
    detail,
    ...(caller === undefined ? {} : { callerId: caller.id }),
  });
  return reply(
    refusalMessage(
      "This command was already handled, so nothing was done again. To do it again, run the command again.",
    ),
  );
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
        toldOrThrown,
      );
    case "peers":
      return peers(action, caller, requestId, deps, deadline).catch(toldOrThrown);
    default:
      return slackChange(action, command, caller, requestId, deps, deadline);
  }
}

/**
 * `peers <groupId> [id]`: the project's inventory within Slack's budget (the three Atlas lists are read at
 * once, with what is left of it as their deadline), refused politely without a grant for the project.
 */
async function peers(
  action: { groupId: string; q?: string },
  caller: Parameters<typeof getChange>[1],
  requestId: string,
  deps: SlackDeps,
  deadline: number,
): Promise<SlackMessage> {
  const [query] = allValid(validateInventoryQuery({ groupId: action.groupId, q: action.q }));
  const reader = { caller, channel: "slack" as const, requestId, route: "/atlas-peering peers" };
  return peeringsMessage(inventoryAnswer(await listPeerings(query, reader, deps, deadline)), query.q);
}

/** An error the user can act on, told in a refusal; the gateway's own failures fail the request. */
function toldOrThrown(error: unknown): SlackMessage {
  const text = slackRefusalText(error);
  if (text === undefined) throw error;
  return refusalMessage(text);
}

function reply(message: SlackMessage): HttpResult {
  return json(200, message);
}
