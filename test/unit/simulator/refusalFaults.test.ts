import { describe, expect, it } from "vitest";
import { faultError } from "../../../local/simulator/atlasApi.js";
import { parseFaultSpec } from "../../../local/simulator/faultSpec.js";

const PEER_PATH = "/api/atlas/v2/groups/5f1e2d3c4b5a69788796a5b4/peers/5f1e2d3c4b5a69788796a5c1";

describe("refusal faults (400/403/404 with an errorCode)", () => {
  it("accepts each status with its own codes only, and needs the code", () => {
    expect(parseFaultSpec({ status: 403, errorCode: "IP_ADDRESS_NOT_ON_WHITELIST", count: 2 })).toEqual({
      status: 403,
      errorCode: "IP_ADDRESS_NOT_ON_WHITELIST",
      count: 2,
    });
    expect(() => parseFaultSpec({ status: 403 })).toThrow(/"status" 403 needs an "errorCode"/);
    expect(() => parseFaultSpec({ status: 404, errorCode: "ORG_REQUIRES_WHITELIST" })).toThrow(
      /PEER_NOT_FOUND/,
    );
    expect(() => parseFaultSpec({ status: 500, errorCode: "PEER_NOT_FOUND" })).toThrow(/errorCode/);
  });

  it("answers with Atlas's error body, its parameters filled as Atlas fills them", () => {
    expect(
      faultError({ status: 403, errorCode: "IP_ADDRESS_NOT_ON_WHITELIST" }, PEER_PATH, "10.1.2.3").body,
    ).toEqual({
      error: 403,
      errorCode: "IP_ADDRESS_NOT_ON_WHITELIST",
      detail: "IP address 10.1.2.3 is not allowed to access this resource.",
      parameters: ["10.1.2.3"],
      reason: "Forbidden",
    });
    expect(faultError({ status: 404, errorCode: "PEER_NOT_FOUND" }, PEER_PATH).body).toMatchObject({
      error: 404,
      detail: "No peer with ID 5f1e2d3c4b5a69788796a5c1 exists in project 5f1e2d3c4b5a69788796a5b4.",
    });
    expect(faultError({ status: 403, errorCode: "ORG_REQUIRES_WHITELIST" }, PEER_PATH).body).toMatchObject({
      error: 403,
      errorCode: "ORG_REQUIRES_WHITELIST",
    });
  });
});
