import { describe, expect, it } from "vitest";
import { parseAtlasSecret } from "../../../src/atlas/credentials.js";
import { AtlasCredentialsError } from "../../../src/atlas/errors.js";

describe("Atlas secret formats", () => {
  it("reads the gateway's own shape", () => {
    expect(parseAtlasSecret({ publicKey: "pub", privateKey: "priv" }, "s")).toEqual({
      publicKey: "pub",
      privateKey: "priv",
    });
    expect(
      parseAtlasSecret(
        { publicKey: "pub", privateKey: "priv", baseUrl: "https://cloud.mongodbgov.com/" },
        "s",
      ),
    ).toEqual({
      publicKey: "pub",
      privateKey: "priv",
      baseUrl: "https://cloud.mongodbgov.com",
    });
  });

  it("reads MongoDB's CloudFormation profile shape, BaseUrl or BaseURL", () => {
    const profile = { PublicKey: "pub", PrivateKey: "priv", DebugClient: false, IsMongoDBGovCloud: false };
    expect(parseAtlasSecret(profile, "cfn/atlas/profile/default")).toEqual({
      publicKey: "pub",
      privateKey: "priv",
    });
    expect(parseAtlasSecret({ ...profile, BaseURL: "https://cloud.mongodb.com" }, "p").baseUrl).toBe(
      "https://cloud.mongodb.com",
    );
  });

  it("refuses other shapes naming the secret and the fields, never the values", () => {
    const attempt = () =>
      parseAtlasSecret({ publicKey: "pub", privateKey: "", baseUrl: "ftp://x" }, "team/atlas");
    expect(attempt).toThrow(AtlasCredentialsError);
    expect(attempt).toThrow(/team\/atlas.*privateKey/);
    expect(() => parseAtlasSecret({ privateKey: "hunter2-private" }, "s")).toThrow(
      expect.objectContaining({ problem: "malformed", message: expect.not.stringContaining("hunter2") }),
    );
  });
});
