import { describe, expect, it } from "vitest";
import { secretsManagerCursorKey } from "../../../src/adapters/aws/SecretsManagerCursorKey.js";
import { SecretUnavailableError } from "../../../src/adapters/aws/SecretsManagerSecrets.js";
import { AesGcmCursorSealer, deriveCursorKey } from "../../../src/adapters/crypto/AesGcmCursorSealer.js";
import { InvalidChangeCursorError } from "../../../src/ports/ChangeStore.js";
import { CursorKeyError, type CursorScope } from "../../../src/ports/CursorSealer.js";

const POSITION = "PROJECT#5f1e2d3c4b5a69788796a5b4#1764331200000#chg-0123";
const SCOPE: CursorScope = {
  listing: "changes",
  callerId: "ci",
  query: { groupId: "5f1e2d3c4b5a69788796a5b4", peerId: undefined, state: undefined },
};
const SECRET = "k".repeat(64);
const sealer = (secret = SECRET, table = "gw-changes") =>
  new AesGcmCursorSealer(async () => deriveCursorKey(secret, table));

describe("AES-256-GCM cursors", () => {
  it("open to the position for the scope they were sealed for, and show none of it", async () => {
    const cursor = await sealer().seal(POSITION, SCOPE);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const bytes = Buffer.from(cursor, "base64url").toString("latin1");
    for (const part of ["PROJECT", "1764331200000", "chg-0123", "5f1e2d3c"])
      expect(bytes).not.toContain(part);
    expect(await sealer().open(cursor, SCOPE)).toBe(POSITION);
  });

  it("refuse another caller, listing or filter, a flipped bit, a cut, and another key", async () => {
    const cursor = await sealer().seal(POSITION, SCOPE);
    const scopes: CursorScope[] = [
      { ...SCOPE, callerId: "other" },
      { ...SCOPE, listing: "audit" },
      { ...SCOPE, query: { ...SCOPE.query, peerId: "6a0b1c2d3e4f5a6b7c8d9e0f" } },
      { ...SCOPE, query: { ...SCOPE.query, peerId: "" } },
      { ...SCOPE, query: { groupId: "0123456789abcdef01234567", peerId: undefined, state: undefined } },
    ];
    for (const scope of scopes)
      await expect(sealer().open(cursor, scope)).rejects.toThrow(InvalidChangeCursorError);
    const bytes = Buffer.from(cursor, "base64url");
    for (const at of [0, 5, 20, bytes.length - 1]) {
      const flipped = Buffer.from(bytes);
      flipped[at] = (flipped[at] ?? 0) ^ 1;
      await expect(sealer().open(flipped.toString("base64url"), SCOPE)).rejects.toThrow(
        InvalidChangeCursorError,
      );
    }
    for (const bad of [cursor.slice(0, -2), "", "%%%", "eyJhZnRlciI6IngifQ", `${cursor}=`]) {
      await expect(sealer().open(bad, SCOPE)).rejects.toThrow(InvalidChangeCursorError);
    }
    await expect(sealer("z".repeat(64)).open(cursor, SCOPE)).rejects.toThrow(InvalidChangeCursorError);
    await expect(sealer(SECRET, "gw-other-changes").open(cursor, SCOPE)).rejects.toThrow(
      InvalidChangeCursorError,
    );
  });
});

describe("the cursor key from Secrets Manager", () => {
  const secrets = (value: unknown) => ({
    readJson: async (id: string) => {
      if (value instanceof Error) throw value;
      return id === "gw/cursor-key" ? value : undefined;
    },
  });

  it("derives the same key as the sealer's HKDF from {key}", async () => {
    const key = await secretsManagerCursorKey(secrets({ key: SECRET }), "gw/cursor-key", "gw-changes")();
    expect(key.equals(deriveCursorKey(SECRET, "gw-changes"))).toBe(true);
  });

  it("is a misconfiguration (500) when unset or not {key: 32+ characters}, naming no content", async () => {
    const attempts = [
      secretsManagerCursorKey(secrets({ key: SECRET }), undefined, "gw-changes"),
      secretsManagerCursorKey(secrets({ key: "short-secret-value" }), "gw/cursor-key", "gw-changes"),
      secretsManagerCursorKey(secrets("just text"), "gw/cursor-key", "gw-changes"),
    ];
    for (const attempt of attempts) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CursorKeyError);
      expect(error).toMatchObject({ kind: "misconfigured", code: "cursor-key" });
      expect((error as Error).message).not.toContain("short-secret-value");
    }
    expect(String(await attempts[0]?.().catch((e: unknown) => e))).toContain("CURSOR_SECRET_ID");
  });

  it("is unavailable (503) while Secrets Manager cannot be read", async () => {
    const down = new SecretUnavailableError(
      "unreadable",
      "Secret gw/cursor-key could not be read (Throttling).",
    );
    const attempt = secretsManagerCursorKey(secrets(down), "gw/cursor-key", "gw-changes");
    await expect(attempt()).rejects.toMatchObject({ kind: "unavailable" });
  });

  it("never turns a key failure into a 400: the cursor is not at fault", async () => {
    const broken = new AesGcmCursorSealer(
      secretsManagerCursorKey(secrets({}), "gw/cursor-key", "gw-changes"),
    );
    await expect(broken.open("AAAA", SCOPE)).rejects.toBeInstanceOf(CursorKeyError);
  });
});
