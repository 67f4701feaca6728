import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { type HttpApiDeps, handleHttpRequest } from "./HttpApi.js";
import { fromApiGatewayEvent } from "./request.js";
import type { HttpResult } from "./response.js";

/** The HTTP entry's dependencies plus how much of the Lambda's time to keep in reserve. */
export type HttpHandlerDeps = HttpApiDeps & { deadlineMarginMs?: number };

/**
 * Builds the API Gateway (HTTP API, payload v2) handler from its dependencies. Lives apart from
 * `handlers/http.ts` so the local stack and tests can build it without the AWS wiring running at import.
 */
export const makeHttpHandler =
  (deps: HttpHandlerDeps) =>
  async (
    event: APIGatewayProxyEventV2,
    context: Pick<Context, "getRemainingTimeInMillis">,
  ): Promise<HttpResult> => {
    // A logger of its own per invocation: keys set while serving this request never leak into another
    // (the local stack serves requests and re-checks concurrently in one process).
    const logger = deps.logger.createChild();
    if ("functionName" in context) logger.addContext(context as Context);
    const deadline = deps.now() + context.getRemainingTimeInMillis() - (deps.deadlineMarginMs ?? 1_500);
    return handleHttpRequest(fromApiGatewayEvent(event), { ...deps, logger }, deadline);
  };
