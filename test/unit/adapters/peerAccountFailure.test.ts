import { describe, expect, it } from "vitest";
import { sessionNameFor } from "../../../src/adapters/aws/peerAccount/assumeRole.js";
import { awsFailureOf } from "../../../src/adapters/aws/peerAccount/awsFailure.js";

/** An error shaped as SDK v3 throws it: the AWS code as `name`, and `$metadata`. */
function sdkError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

describe("awsFailureOf", () => {
  it("reads the AWS code from an SDK exception's name", () => {
    expect(awsFailureOf(sdkError("InvalidStateTransition", "not pending"))).toEqual({
      code: "InvalidStateTransition",
      message: "not pending",
    });
  });

  it("calls anything without AWS metadata a network failure", () => {
    expect(awsFailureOf(new Error("connect ECONNREFUSED 127.0.0.1:9"))).toMatchObject({ code: "network" });
    expect(awsFailureOf("socket hang up")).toMatchObject({ code: "network" });
  });

  it("drops access key ids and cuts long messages", () => {
    const failure = awsFailureOf(
      sdkError("AccessDenied", `User: ASIAABCDEFGHIJKLMNOP is not authorized ${"x".repeat(400)}`),
    );
    expect(failure.message).not.toContain("ASIAABCDEFGHIJKLMNOP");
    expect(failure.message.length).toBeLessThanOrEqual(241);
  });
});

describe("sessionNameFor", () => {
  it("names the change in IAM's session-name alphabet, at most 64 characters", () => {
    expect(sessionNameFor("chg_01JDX3V9Q4")).toBe("peering-gateway-chg_01JDX3V9Q4");
    const name = sessionNameFor(`a b/c${"z".repeat(80)}`);
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});
