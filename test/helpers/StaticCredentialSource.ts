import type { AtlasCredentialSource, AtlasCredentials } from "../../src/ports/AtlasCredentialSource.js";

/** A test fake: the same Atlas credentials for every project. */
export class StaticCredentialSource implements AtlasCredentialSource {
  constructor(private readonly credentials: AtlasCredentials) {}

  async credentialsFor(): Promise<AtlasCredentials> {
    return this.credentials;
  }
}
