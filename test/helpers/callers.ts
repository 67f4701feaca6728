import type { CallerRegistry } from "../../src/access/callers.js";
import { hashToken } from "../../src/access/signature.js";

export const GROUP_A = "5f1e2d3c4b5a69788796a5b4";
export const GROUP_B = "0123456789abcdef01234567";
export const PEER_1 = "6a0b1c2d3e4f5a6b7c8d9e0f";
export const PEER_2 = "6a0b1c2d3e4f5a6b7c8d9e10";

export const TOKENS = {
  ci: "test-token-ci-5b0c0e6e1f0b4c7d",
  ciRotated: "test-token-ci-rotated-71ad0c2b",
  narrow: "test-token-narrow-3c9e2f7a1d",
} as const;
export const SIGNING_SECRETS = {
  bot: "test-signing-secret-bot-0000000001",
  botNext: "test-signing-secret-bot-0000000002",
} as const;

/** A registry with a project-wide caller, a peer-limited caller and a signing caller. */
export function testRegistry(): CallerRegistry {
  return {
    callers: [
      {
        id: "ci-pipeline",
        tokenSha256: [hashToken(TOKENS.ci), hashToken(TOKENS.ciRotated)],
        signingSecrets: [],
        projects: [{ groupId: GROUP_A }],
      },
      {
        id: "narrow-bot",
        tokenSha256: [hashToken(TOKENS.narrow)],
        signingSecrets: [],
        projects: [{ groupId: GROUP_B, peerIds: [PEER_1] }],
      },
      {
        id: "chatops",
        tokenSha256: [],
        signingSecrets: [SIGNING_SECRETS.bot, SIGNING_SECRETS.botNext],
        projects: [{ groupId: "*" }],
      },
    ],
  };
}
