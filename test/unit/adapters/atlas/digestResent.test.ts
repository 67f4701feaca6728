import { describe, expect, it } from "vitest";
import { DigestAuthenticator } from "../../../../src/adapters/atlas/digest/DigestAuthenticator.js";
import type { HttpRequest, HttpResponse } from "../../../../src/adapters/http/undiciTransport.js";

const challenge = (nonce: string): HttpResponse => ({
  status: 401,
  headers: {
    "www-authenticate": `Digest realm="MMS Public API", nonce="${nonce}", algorithm=MD5, qop="auth"`,
  },
  body: "",
});

/** A transport that plays back answers in order and records what it was sent. */
function scripted(...answers: HttpResponse[]) {
  const sent: HttpRequest[] = [];
  const transport = async (req: HttpRequest) => {
    sent.push(req);
    const next = answers.shift();
    if (!next) throw new Error("unexpected request");
    return next;
  };
  return { transport, sent };
}

const request: HttpRequest = { method: "PATCH", url: "https://atlas.test/api/x", headers: {}, body: "{}" };

describe("a digest answer the transport had to re-send", () => {
  it("is answered once more with the new challenge instead of being taken for wrong keys", async () => {
    const { transport, sent } = scripted(
      challenge("n1"),
      { ...challenge("n2"), resent: true },
      { status: 200, headers: {}, body: "ok" },
    );
    const answer = await new DigestAuthenticator({ username: "u", password: "p" }).send(transport, request);
    expect(answer.status).toBe(200);
    expect(sent.map((r) => /nonce="(\w+)"/.exec(r.headers.authorization ?? "")?.[1])).toEqual([
      undefined,
      "n1",
      "n2",
    ]);
  });

  it("is not answered forever: a second refusal is returned", async () => {
    const { transport, sent } = scripted(
      challenge("n1"),
      { ...challenge("n2"), resent: true },
      { ...challenge("n3"), resent: true },
    );
    expect(
      (await new DigestAuthenticator({ username: "u", password: "p" }).send(transport, request)).status,
    ).toBe(401);
    expect(sent).toHaveLength(3);
  });

  it("is returned as it is when the transport did not re-send it (wrong keys)", async () => {
    const { transport, sent } = scripted(challenge("n1"), challenge("n2"));
    expect(
      (await new DigestAuthenticator({ username: "u", password: "p" }).send(transport, request)).status,
    ).toBe(401);
    expect(sent).toHaveLength(2);
  });
});
