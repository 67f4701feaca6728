import { describe, expect, it } from "vitest";
import { toProblemResponse } from "../../../../src/channels/common/problem.js";
import { AtlasCredentialsError } from "../../../../src/ports/AtlasCredentialSource.js";
import { AtlasUnavailableError, DigestError } from "../../../../src/ports/AtlasPeeringApi.js";
import { ChangeStoreError, InvalidChangeCursorError } from "../../../../src/ports/ChangeStore.js";
import {
  ChangeInFlightError,
  ChangeNotFoundError,
  IdempotencyKeyReusedError,
} from "../../../../src/usecases/errors.js";

const context = { requestId: "req-1", instance: "/v1/peering-changes" };
const problem = (error: unknown) => {
  const result = toProblemResponse(error, context);
  return { status: result.statusCode, type: result.headers["content-type"], body: JSON.parse(result.body) };
};

describe("errors as RFC 9457 problems", () => {
  it.each([
    [new ChangeInFlightError("chg-7"), 409, { changeRequestId: "chg-7" }],
    [new IdempotencyKeyReusedError("chg-8"), 422, { changeRequestId: "chg-8" }],
    [new ChangeNotFoundError("chg-9"), 404, {}],
    [
      new InvalidChangeCursorError(),
      400,
      { errors: [{ path: "query.cursor", message: "is not a cursor this listing returned" }] },
    ],
    [new ChangeStoreError("put failed: ThrottlingException"), 503, { detail: "Retry later." }],
    [new DigestError("unsupported algorithm SHA-512"), 502, {}],
    [new AtlasCredentialsError("unreadable", "Secret x could not be read (ThrottlingException)."), 503, {}],
    [new AtlasCredentialsError("missing", "Secret x does not exist."), 500, {}],
    [new AtlasUnavailableError("Atlas could not be reached", undefined, 3), 504, {}],
  ])("maps %s to %i", (error, status, extra) => {
    const { status: actual, type, body } = problem(error);
    expect(actual).toBe(status);
    expect(type).toBe("application/problem+json");
    expect(body).toMatchObject({ status, requestId: "req-1", instance: "/v1/peering-changes", ...extra });
  });

  it("answers anything unexpected with a generic 500 that reveals nothing", () => {
    const { status, body } = problem(new Error("connect ECONNREFUSED 10.0.0.7:5432 password=hunter2"));
    expect(status).toBe(500);
    expect(body.detail).toBe("The gateway failed unexpectedly.");
    expect(JSON.stringify(body)).not.toContain("hunter2");
  });
});
