import { describe, expect, it } from "vitest";
import { violationAttribute, violationCode } from "../../../src/domain/peering/atlasErrorCodes.js";
import {
  validateAtlasQuery,
  validatePeeringSettings,
  validatePeerPath,
} from "../../../src/domain/peering/request.js";
import type { FieldViolation } from "../../../src/domain/validation.js";
import { AWS_BODY, CONTAINER, errorsOf } from "./peering-bodies.js";

/** Each violation the validators really produce, with the Atlas code it is answered with. */
function coded(violations: FieldViolation[]) {
  return violations.map((v) => [v.path, violationCode(v)]);
}

describe("Atlas's code for each request violation", () => {
  it("classifies what the body validator says, field by field", () => {
    const body = {
      providerName: "AWS",
      awsAccountId: "abc123abc123", // a bad form
      vpcId: 7, // the wrong JSON type
      routeTableCidrBlock: null, // null where Atlas has a string
      statusName: "AVAILABLE", // read-only
      vnetName: "v", // another provider's
      colour: "blue", // unknown
    };
    expect(coded(errorsOf(validatePeeringSettings(body, "full")))).toEqual([
      ["awsAccountId", "INVALID_ATTRIBUTE"],
      ["colour", "INVALID_ATTRIBUTE"],
      ["containerId", "MISSING_ATTRIBUTE"],
      ["routeTableCidrBlock", "INVALID_JSON_ATTRIBUTE"],
      ["statusName", "ATTRIBUTE_READ_ONLY"],
      ["vnetName", "INVALID_ATTRIBUTE"],
      ["vpcId", "INVALID_JSON_ATTRIBUTE"],
    ]);
  });

  it.each([[null], [[]], ["text"], [{}]])(
    "answers a body %j that is no settings object INVALID_JSON",
    (body) => {
      expect(coded(errorsOf(validatePeeringSettings(body, "partial")))).toEqual([["", "INVALID_JSON"]]);
    },
  );

  it("classifies the query and the path by where they are, naming the bare parameter", () => {
    const query = errorsOf(validateAtlasQuery({ pretty: "yes", colour: "blue" }));
    expect(query.map((v) => [violationCode(v), violationAttribute(v)])).toEqual([
      ["INVALID_QUERY_PARAMETER", "colour"],
      ["INVALID_QUERY_PARAMETER", "pretty"],
    ]);
    const path = errorsOf(validatePeerPath({ groupId: "NOT-HEX" }));
    expect(path.map((v) => [violationCode(v), violationAttribute(v)])).toEqual([
      ["INVALID_PATH_PARAMETER", "groupId"],
      ["INVALID_PATH_PARAMETER", "peerId"],
    ]);
  });

  it("names nothing for the body as a whole, and keeps a nested path whole", () => {
    expect(violationAttribute({ path: "", message: "the body must be a JSON object" })).toBeUndefined();
    const nested = errorsOf(validatePeeringSettings({ ...AWS_BODY, id: CONTAINER }, "full", "peering"));
    expect(nested.map((v) => [violationCode(v), violationAttribute(v)])).toEqual([
      ["ATTRIBUTE_READ_ONLY", "peering.id"],
    ]);
  });
});
