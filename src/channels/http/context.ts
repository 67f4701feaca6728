import type { Authenticated } from "../../access/authenticate.js";
import type { ReplayGuard } from "../../ports/ReplayGuard.js";
import type { ChangeDeps } from "../../usecases/ChangeDeps.js";
import type { GatewayRequest } from "../common/request.js";

/** Everything the HTTP API needs; tests build it from fakes and local servers. */
export interface HttpApiDeps extends ChangeDeps {
  limits: { maxBodyBytes: number; signatureToleranceSeconds: number };
  replay: ReplayGuard;
}

/** Per-request facts the routes share. */
export interface RouteContext {
  request: GatewayRequest;
  auth: Authenticated;
  deadline: number;
}
