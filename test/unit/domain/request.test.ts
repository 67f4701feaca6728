import { describe, expect, it } from "vitest";
import {
  validateAtlasQuery,
  validateChangeRequest,
  validatePeerPath,
} from "../../../src/domain/peering/request.js";
import { invalid, joinPath } from "../../../src/domain/validation.js";

const GROUP = "5356823b3794dee37132bb7b";
const PEER = "1112222b3bf99403840e8934";
const HEX_MESSAGE = "must be 24 lowercase hex characters, e.g. 5e57d85c854180642f7844bf";
const GCP = {
  providerName: "GCP",
  containerId: "5e57d85c854180642f7844bf",
  gcpProjectId: "my-proj-123",
  networkName: "default",
};

describe("validatePeerPath", () => {
  it("accepts two lowercase 24-hex ids", () => {
    expect(validatePeerPath({ groupId: GROUP, peerId: PEER })).toEqual({
      ok: true,
      value: { groupId: GROUP, peerId: PEER },
    });
  });

  it.each([
    [{ groupId: GROUP.toUpperCase(), peerId: PEER }, [{ path: "path.groupId", message: HEX_MESSAGE }]],
    [{ groupId: GROUP, peerId: `${PEER}0` }, [{ path: "path.peerId", message: HEX_MESSAGE }]],
    [
      { groupId: "g", peerId: "p" },
      [
        { path: "path.groupId", message: HEX_MESSAGE },
        { path: "path.peerId", message: HEX_MESSAGE },
      ],
    ],
    [
      {},
      [
        { path: "path.groupId", message: "is required" },
        { path: "path.peerId", message: "is required" },
      ],
    ],
  ])("refuses %o", (params, errors) => {
    expect(validatePeerPath(params)).toEqual({ ok: false, errors });
  });
});

describe("validateAtlasQuery", () => {
  it.each([
    [{}, {}],
    [{ pretty: "true" }, { pretty: true }],
    [
      { pretty: "false", envelope: "true" },
      { pretty: false, envelope: true },
    ],
    [{ pretty: undefined, envelope: "false" }, { envelope: false }],
  ])("accepts %o", (query, value) => {
    expect(validateAtlasQuery(query)).toEqual({ ok: true, value });
  });

  it.each(["1", "yes", "TRUE", ""])("refuses pretty=%j", (pretty) => {
    expect(validateAtlasQuery({ pretty })).toEqual({
      ok: false,
      errors: [{ path: "query.pretty", message: 'must be "true" or "false"' }],
    });
  });

  it("refuses unknown parameters by name, with the bad flag, all at once", () => {
    expect(validateAtlasQuery({ envelope: "on", pageNum: "1", itemsPerPage: "5" })).toEqual({
      ok: false,
      errors: [
        { path: "query.envelope", message: 'must be "true" or "false"' },
        { path: "query.itemsPerPage", message: "unknown query parameter; allowed: envelope, pretty" },
        { path: "query.pageNum", message: "unknown query parameter; allowed: envelope, pretty" },
      ],
    });
  });
});

describe("validateChangeRequest", () => {
  it.each([
    [{ groupId: GROUP, peerId: PEER, peering: GCP }],
    [{ groupId: GROUP, peerId: PEER, peering: GCP, reason: "CHG-1234: move the peer to the new VPC" }],
    [{ groupId: GROUP, peerId: PEER, peering: GCP, reason: "r".repeat(500) }],
  ])("accepts %o", (body) => {
    expect(validateChangeRequest(body)).toEqual({ ok: true, value: body });
  });

  it("reports id, peering, reason and unknown-field violations in one result", () => {
    const body = {
      groupId: GROUP.toUpperCase(),
      peering: {
        providerName: "GCP",
        networkName: "default",
        gcpProjectId: "my-proj-123",
        vpcId: "vpc-7b64b41e",
      },
      reason: " ",
      dryrun: true,
    };
    expect(validateChangeRequest(body)).toEqual({
      ok: false,
      errors: [
        {
          path: "dryrun",
          message:
            "unknown field for a peering change request; allowed: groupId, peerId, peering, reason, callbackUrl, dryRun",
        },
        { path: "groupId", message: HEX_MESSAGE },
        { path: "peerId", message: "is required" },
        { path: "peering.containerId", message: "is required" },
        { path: "peering.vpcId", message: "vpcId is an AWS field; this is a GCP peering" },
        { path: "reason", message: "must be 1 to 500 characters and not only whitespace" },
      ],
    });
  });

  it.each([
    [{ groupId: GROUP, peerId: PEER }, [{ path: "peering", message: "is required" }]],
    [{ groupId: GROUP, peerId: PEER, peering: [] }, [{ path: "peering", message: "must be a JSON object" }]],
    [
      { groupId: GROUP, peerId: PEER, peering: { providerName: "OCI" } },
      [{ path: "peering.providerName", message: "must be one of AWS, AZURE, GCP" }],
    ],
    [
      { groupId: GROUP, peerId: PEER, peering: GCP, reason: "r".repeat(501) },
      [{ path: "reason", message: "must be 1 to 500 characters and not only whitespace" }],
    ],
    [
      { groupId: GROUP, peerId: PEER, peering: GCP, reason: 7 },
      [{ path: "reason", message: "must be a JSON string of 1 to 500 characters" }],
    ],
  ])("refuses %o", (body, errors) => {
    expect(validateChangeRequest(body)).toEqual({ ok: false, errors });
  });

  it("uses full (v2) mode for the peering: containerId is required, the provider's other fields are not", () => {
    const peering = { routeTableCidrBlock: "10.15.0.0/24" };
    const result = validateChangeRequest({ groupId: GROUP, peerId: PEER, peering });
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(["peering.containerId"]);
    const withContainer = { ...peering, containerId: "5e57d85c854180642f7844bf" };
    expect(validateChangeRequest({ groupId: GROUP, peerId: PEER, peering: withContainer }).ok).toBe(true);
  });

  it.each([null, "text", [], 1])("refuses the non-object body %j", (body) => {
    expect(validateChangeRequest(body)).toEqual({
      ok: false,
      errors: [{ path: "", message: "the body must be a JSON object" }],
    });
  });
});

describe("validation helpers", () => {
  it("sorts by path then message and drops duplicates", () => {
    const errors = [
      { path: "b", message: "y" },
      { path: "a", message: "z" },
      { path: "b", message: "x" },
      { path: "a", message: "z" },
      { path: "", message: "w" },
    ];
    expect(invalid(errors).errors).toEqual([
      { path: "", message: "w" },
      { path: "a", message: "z" },
      { path: "b", message: "x" },
      { path: "b", message: "y" },
    ]);
  });

  it("joins paths without empty segments", () => {
    expect(joinPath(undefined, "peering", 0, "", "vpcId")).toBe("peering.0.vpcId");
    expect(joinPath()).toBe("");
  });
});
