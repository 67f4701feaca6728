import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { fromApiGatewayEvent } from "../channels/common/request.js";
import type { HttpResult } from "../channels/common/response.js";
import type { HttpApiDeps } from "../channels/http/context.js";
import { handleHttpRequest } from "../channels/http/HttpApi.js";
import type { SlackDeps } from "../channels/slack/deps.js";
import { handleSlackCommand, isSlackCommand } from "../channels/slack/slackRoute.js";
import type { Logger } from "../observability/logger.js";
import { deadlineOf, type InLambda } from "./invocation.js";

/** The HTTP entry's dependencies plus how much of the Lambda's time to keep in reserve. */
export type HttpHandlerDeps = InLambda<HttpApiDeps & SlackDeps>;

/**
 * Builds the API Gateway (HTTP API, payload v2) handler from its dependencies. Lives apart from
 * `handlers/http.ts` so the local stack and tests can build it without the AWS wiring running at import.
 */
export const makeHttpHandler = (deps: HttpHandlerDeps) => {
  // Built once per container (handlers/http.ts), so this is the container's first invocation until it is not.
  let invoked = false;
  return async (
    event: APIGatewayProxyEventV2,
    context: Pick<Context, "getRemainingTimeInMillis">,
  ): Promise<HttpResult> => {
    // A logger of its own per invocation: keys set while serving this request never leak into another
    // (the local stack serves requests and re-checks concurrently in one process).
    const logger = deps.logger.createChild();
    if ("functionName" in context) addInvocationContext(logger, context as Context, !invoked);
    invoked = true;
    const deadline = deadlineOf(deps, context);
    const request = fromApiGatewayEvent(event);
    // One API Gateway, two channels: Slack's slash command has a path of its own and Slack's own signature.
    const serve = isSlackCommand(request) ? handleSlackCommand : handleHttpRequest;
    return serve(request, { ...deps, logger }, deadline);
  };
};

/**
 * Adds the Lambda context (function name, request id, `cold_start`…) to a per-invocation child logger.
 * Powertools (2.35) works `cold_start` out per logger instance: the first `addContext` on an instance says
 * true, later ones false. A child from `createChild()` is a new instance, so it would say true on every
 * invocation (even when the parent holds the context: the child re-adds it). On later invocations the child's
 * first `addContext` is spent, so the one that counts says false. On the first it is left to Powertools, which
 * also says false for provisioned concurrency.
 */
function addInvocationContext(logger: Logger, context: Context, firstInvocation: boolean): void {
  if (!firstInvocation) logger.addContext(context);
  logger.addContext(context);
}
