import { createHash, randomBytes } from "node:crypto";

/**
 * The least an HTTP Digest (RFC 7616, MD5, qop=auth) client does against Atlas, on `fetch` and node:crypto:
 * the first request goes out unauthenticated and answers the 401's challenge; later requests reuse that nonce
 * pre-emptively (nc + 1) and answer a new challenge only when the server sends one (stale or rotated nonce).
 * Shared by the floor handler (bench/baseline/floor.ts) and the bench's direct-to-Atlas baseline, so both do
 * what the gateway's DigestAuthenticator does on the wire with nothing else around it.
 */
export class DigestSession {
  readonly #username: string;
  readonly #password: string;
  #challenge: Record<string, string> | undefined;
  #nc = 0;

  constructor(username: string, password: string) {
    this.#username = username;
    this.#password = password;
  }

  async fetch(url: string, init: { method: string; headers: Record<string, string>; body?: string }) {
    if (this.#challenge) {
      const first = await fetch(url, this.#authorised(url, init));
      if (first.status !== 401) return first;
      this.#adopt(first);
      await first.arrayBuffer();
    } else {
      const first = await fetch(url, init);
      if (first.status !== 401) return first;
      this.#adopt(first);
      await first.arrayBuffer();
    }
    return fetch(url, this.#authorised(url, init));
  }

  #adopt(answer: Response): void {
    const header = answer.headers.get("www-authenticate") ?? "";
    const fields: Record<string, string> = {};
    for (const match of header.replace(/^Digest\s+/i, "").matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]*))/g)) {
      fields[(match[1] ?? "").toLowerCase()] = match[2] ?? match[3] ?? "";
    }
    this.#challenge = fields;
    this.#nc = 0;
  }

  #authorised(url: string, init: { method: string; headers: Record<string, string>; body?: string }) {
    const c = this.#challenge ?? {};
    const { pathname, search } = new URL(url);
    const uri = `${pathname}${search}`;
    const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");
    this.#nc += 1;
    const nc = this.#nc.toString(16).padStart(8, "0");
    const cnonce = randomBytes(16).toString("hex");
    const ha1 = md5(`${this.#username}:${c.realm ?? ""}:${this.#password}`);
    const ha2 = md5(`${init.method}:${uri}`);
    const response = md5(`${ha1}:${c.nonce ?? ""}:${nc}:${cnonce}:auth:${ha2}`);
    const authorization =
      `Digest username="${this.#username}", realm="${c.realm ?? ""}", nonce="${c.nonce ?? ""}", uri="${uri}", ` +
      `qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}", algorithm=MD5` +
      (c.opaque === undefined ? "" : `, opaque="${c.opaque}"`);
    return { ...init, headers: { ...init.headers, authorization } };
  }
}
