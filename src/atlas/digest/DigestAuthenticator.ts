import { randomBytes } from "node:crypto";
import type { HttpRequest, HttpResponse, HttpTransport } from "../transport.js";
import { type DigestChallenge, parseDigestChallenge } from "./challenge.js";
import { buildDigestAuthorization } from "./response.js";

/** Sends a request with whatever authentication the server asks for. */
export interface Authenticator {
  send(transport: HttpTransport, request: HttpRequest): Promise<HttpResponse>;
}

/** A nonce and how many times it has been used. Shared by every request that uses the nonce. */
interface NonceUse {
  challenge: DigestChallenge;
  nc: number;
}

const MAX_NC = 0xffffffff;
/** Nonces whose counts are remembered, so that a nonce a server sends again never repeats an nc. */
const REMEMBERED_NONCES = 64;

/**
 * RFC 7616 Digest client. It remembers the last challenge of each origin and answers it pre-emptively; the
 * nc is taken synchronously when the header is built and the request is handed to the transport in the same
 * tick, so concurrent calls on one instance send distinct nc values in increasing order. A 401 to a
 * pre-emptive or unauthenticated attempt is answered once with the challenge it carries; a 401 to that answer
 * is returned (the keys are wrong). Credentials never appear in errors; nothing is logged.
 */
export class DigestAuthenticator implements Authenticator {
  readonly #username: string;
  readonly #password: string;
  readonly #cnonce: () => string;
  readonly #current = new Map<string, NonceUse>();
  readonly #nonces = new Map<string, NonceUse>();
  /** Origins whose first challenge is being fetched: concurrent callers wait rather than each provoke a 401. */
  readonly #probes = new Map<string, Promise<void>>();

  /** @param options.cnonce - cnonce source; 128 random bits by default. Tests pass a fixed one. */
  constructor(credentials: { username: string; password: string }, options: { cnonce?: () => string } = {}) {
    this.#username = credentials.username;
    this.#password = credentials.password;
    this.#cnonce = options.cnonce ?? (() => randomBytes(16).toString("hex"));
  }

  /** Sends `request`, authenticating as needed; at most two transport calls. */
  async send(transport: HttpTransport, request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const uri = `${url.pathname}${url.search}`;
    const probe = this.#probes.get(url.origin);
    if (probe && !this.#current.has(url.origin)) await probe;
    const use = this.#current.get(url.origin);
    if (use && use.nc < MAX_NC) {
      const first = await transport(this.#authorise(request, uri, use));
      return this.#answer(transport, request, uri, first);
    }
    return this.#probe(transport, request, uri);
  }

  /** Sends without credentials to learn the challenge; later callers to the origin wait for the outcome. */
  async #probe(transport: HttpTransport, request: HttpRequest, uri: string): Promise<HttpResponse> {
    const origin = new URL(request.url).origin;
    const owner = !this.#probes.has(origin);
    let release = () => {};
    if (owner) {
      this.#probes.set(
        origin,
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      );
    }
    try {
      const first = await transport({ ...request, headers: withoutAuthorization(request.headers) });
      return await this.#answer(transport, request, uri, first);
    } finally {
      if (owner) {
        this.#probes.delete(origin);
        release();
      }
    }
  }

  /** Answers a Digest 401 once with the challenge it carries; anything else is returned as it is. */
  async #answer(transport: HttpTransport, request: HttpRequest, uri: string, first: HttpResponse) {
    const header = first.headers["www-authenticate"];
    const challenge = first.status === 401 && header !== undefined ? parseDigestChallenge(header) : undefined;
    if (!challenge) return first;
    // Use the challenge of this very response, not the origin's latest: concurrent retries each get their
    // own fresh nonce, so their nc=1 cannot race another request's use of a shared nonce.
    return transport(this.#authorise(request, uri, this.#adopt(new URL(request.url).origin, challenge)));
  }

  /** Makes `challenge` the origin's current one, keeping the count of a nonce already in use. */
  #adopt(origin: string, challenge: DigestChallenge): NonceUse {
    const key = `${origin} ${challenge.opaque ?? ""} ${challenge.nonce}`;
    let use = this.#nonces.get(key);
    if (use) {
      use.challenge = challenge;
    } else {
      use = { challenge, nc: 0 };
      this.#nonces.set(key, use);
      const oldest = this.#nonces.keys().next();
      if (this.#nonces.size > REMEMBERED_NONCES && !oldest.done) this.#nonces.delete(oldest.value);
    }
    this.#current.set(origin, use);
    return use;
  }

  /** Takes the next nc of `use` and returns the request carrying the matching Authorization header. */
  #authorise(request: HttpRequest, uri: string, use: NonceUse): HttpRequest {
    use.nc += 1;
    const authorization = buildDigestAuthorization({
      username: this.#username,
      password: this.#password,
      method: request.method,
      uri,
      challenge: use.challenge,
      nc: use.nc,
      cnonce: this.#cnonce(),
    });
    return { ...request, headers: { ...withoutAuthorization(request.headers), authorization } };
  }
}

/** Drops any caller-supplied Authorization header, whatever its case. */
function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"),
  );
}
