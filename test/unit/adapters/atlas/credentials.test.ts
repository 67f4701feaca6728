import { describe, expect, it } from "vitest";
import { parseAtlasSecret } from "../../../../src/adapters/atlas/credentials.js";
import { AtlasCredentialsError } from "../../../../src/ports/AtlasCredentialSource.js";

describe("Atlas secret formats", () => {
  it("reads the gateway's own key shape", () => {
    expect(parseAtlasSecret({ publicKey: "pub", privateKey: "priv" }, "s")).toEqual({
      kind: "apiKey",
      publicKey: "pub",
      privateKey: "priv",
    });
    expect(
      parseAtlasSecret(
        { publicKey: "pub", privateKey: "priv", baseUrl: "https://cloud.mongodbgov.com/" },
        "s",
      ),
    ).toEqual({
      kind: "apiKey",
      publicKey: "pub",
      privateKey: "priv",
      baseUrl: "https://cloud.mongodbgov.com",
    });
  });

  it("reads MongoDB's CloudFormation profile shape, BaseUrl or BaseURL", () => {
    const profile = { PublicKey: "pub", PrivateKey: "priv", DebugClient: false, IsMongoDBGovCloud: false };
    expect(parseAtlasSecret(profile, "cfn/atlas/profile/default")).toEqual({
      kind: "apiKey",
      publicKey: "pub",
      privateKey: "priv",
    });
    expect(parseAtlasSecret({ ...profile, BaseURL: "https://cloud.mongodb.com" }, "p").baseUrl).toBe(
      "https://cloud.mongodb.com",
    );
  });

  it("reads a service account, in either spelling", () => {
    expect(parseAtlasSecret({ clientId: "mdb_sa_id_1", clientSecret: "mdb_sa_sk_1" }, "s")).toEqual({
      kind: "serviceAccount",
      clientId: "mdb_sa_id_1",
      clientSecret: "mdb_sa_sk_1",
    });
    const profile = { ClientId: "id", ClientSecret: "sk", BaseUrl: "https://cloud.mongodbgov.com//" };
    expect(parseAtlasSecret(profile, "s")).toEqual({
      kind: "serviceAccount",
      clientId: "id",
      clientSecret: "sk",
      baseUrl: "https://cloud.mongodbgov.com",
    });
    expect(
      parseAtlasSecret({ ClientId: "id", ClientSecret: "sk", BaseURL: "https://x.example" }, "s"),
    ).toEqual({ kind: "serviceAccount", clientId: "id", clientSecret: "sk", baseUrl: "https://x.example" });
  });

  it("prefers the service account when a secret holds keys too", () => {
    const both = { publicKey: "pub", privateKey: "priv", clientId: "id", clientSecret: "sk" };
    expect(parseAtlasSecret(both, "s")).toMatchObject({ kind: "serviceAccount", clientId: "id" });
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

  it("names the service-account fields that are wrong, never the secret", () => {
    const attempt = () => parseAtlasSecret({ clientSecret: "hunter2-sk" }, "team/sa");
    expect(attempt).toThrow(/team\/sa.*clientId/);
    expect(attempt).toThrow(expect.objectContaining({ message: expect.not.stringContaining("hunter2") }));
    expect(() => parseAtlasSecret({ ClientId: "id", ClientSecret: "" }, "p")).toThrow(/ClientSecret/);
  });
});
