import type { AtlasCredentials } from "../atlas/credentials.js";
import type { AtlasCredentialSource } from "../ports/AtlasCredentialSource.js";

/** Fixed Atlas keys: the local stack (simulator keys, or `ATLAS_PUBLIC_KEY`/`ATLAS_PRIVATE_KEY`). */
export class StaticCredentialSource implements AtlasCredentialSource {
  constructor(private readonly credentials: AtlasCredentials) {}

  async credentialsFor(): Promise<AtlasCredentials> {
    return this.credentials;
  }
}
