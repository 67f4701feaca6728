import type { ServerResponse } from "node:http";
import { ControlError, type FaultController } from "./controller.js";
import type { DemoProject } from "./demo.js";
import { FaultSpecError } from "./faultSpec.js";
import type { FaultSpec } from "./faults.js";
import type { ErrorStateName } from "./progression.js";
import type { RecordedRequest } from "./recorder.js";
import { JSON_TYPE, type SimRequest, sendJson } from "./respond.js";

/**
 * The control endpoint under `/__sim/` (documented in README.md). It needs no authentication: it is how a
 * rehearsal script or a test steers the simulator, and real Atlas has no such path, so it cannot shadow one.
 */

/** What the control routes operate on. */
export interface ControlDeps {
  controller: FaultController;
  requests: RecordedRequest[];
  demo: DemoProject;
  reset: () => void;
}

type ControlAnswer = { status: number; body?: unknown };
type ControlRoute = (deps: ControlDeps, req: SimRequest, peerId: string) => ControlAnswer;

function jsonBody(req: SimRequest): Record<string, unknown> {
  if (req.body.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body);
  } catch {
    throw new ControlError(400, "the body is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ControlError(400, "the body must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

/** Exact routes, keyed by "METHOD path". */
const ROUTES: Readonly<Record<string, ControlRoute>> = {
  "GET /__sim/requests": (deps) => ({ status: 200, body: deps.requests }),
  "GET /__sim/demo": (deps) => ({ status: 200, body: deps.demo }),
  "GET /__sim/faults": (deps) => ({ status: 200, body: deps.controller.list() }),
  "POST /__sim/faults": (deps, req) => ({
    status: 201,
    body: deps.controller.inject(jsonBody(req) as unknown as FaultSpec),
  }),
  "DELETE /__sim/faults": (deps) => {
    deps.controller.clear();
    return { status: 204 };
  },
  "POST /__sim/reset": (deps) => {
    deps.reset();
    return { status: 204 };
  },
};

/** Routes on one peer, keyed by "METHOD action". */
const PEER_ROUTES: Readonly<Record<string, ControlRoute>> = {
  "POST fail": (deps, req, peerId) => {
    const errorStateName = jsonBody(req).errorStateName;
    return { status: 200, body: deps.controller.failPeer(peerId, errorStateName as ErrorStateName) };
  },
  "POST accept": (deps, _req, peerId) => ({ status: 200, body: deps.controller.acceptPeer(peerId) }),
  "POST terminate": (deps, _req, peerId) => ({ status: 200, body: deps.controller.terminatePeer(peerId) }),
};

function findRoute(req: SimRequest): { handler: ControlRoute; peerId: string } | undefined {
  const exact = ROUTES[`${req.method} ${req.path.replace(/\/$/, "")}`];
  if (exact !== undefined) return { handler: exact, peerId: "" };
  const match = /^\/__sim\/peers\/([^/]+)\/([a-z]+)\/?$/.exec(req.path);
  const handler = match === null ? undefined : PEER_ROUTES[`${req.method} ${match[2]}`];
  return handler === undefined ? undefined : { handler, peerId: decodeURIComponent(match?.[1] ?? "") };
}

function answerError(res: ServerResponse, error: unknown): void {
  if (error instanceof ControlError) {
    sendJson(res, error.status, { error: error.message }, { contentType: JSON_TYPE, pretty: true });
  } else if (error instanceof FaultSpecError) {
    sendJson(res, 400, { error: error.message }, { contentType: JSON_TYPE, pretty: true });
  } else {
    throw error;
  }
}

/** Answers one request under `/__sim/`. */
export function handleControl(deps: ControlDeps, req: SimRequest, res: ServerResponse): void {
  const found = findRoute(req);
  if (found === undefined) {
    const message = `no control route ${req.method} ${req.path}; see local/simulator/README.md`;
    sendJson(res, 404, { error: message }, { contentType: JSON_TYPE, pretty: true });
    return;
  }
  try {
    const answer = found.handler(deps, req, found.peerId);
    if (answer.body === undefined) {
      res.writeHead(answer.status).end();
      return;
    }
    sendJson(res, answer.status, answer.body, { contentType: JSON_TYPE, pretty: true });
  } catch (error) {
    answerError(res, error);
  }
}
