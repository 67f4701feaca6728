import { randomBytes } from "node:crypto";
import type { HttpRequest, HttpResponse, HttpTransport } from "../../http/undiciTransport.js";
import { type DigestChallenge, parseDigestChallenge } from "./challenge.js";
import { buildDigestAuthorization } from "./response.js";

/** What an authenticator may need to know about the call it sends for. */
export interface AuthContext {
  /** Epoch ms after which the call is useless: a wait (a token endpoint's Retry-After) must end before it. */
  deadline?: number;
}

/** Sends a request with whatever authentication the server asks for. */
export interface Authenticator {
  send(transport: HttpTransport, request: HttpRequest, context?: AuthContext): Promise<HttpResponse>;
}

/** A nonce (with its opaque) and how many times it has been used. */
interface NonceUse {
  challenge: DigestChallenge;
  nc: number;
}

const MAX_NC = 0xffffffff;
/** Nonces whose counts are remembered, so that a nonce a server sends again never repeats an nc. */
const REMEMBERED_NONCES = 256;
/** Idle nonces kept per origin; a Lambda needs one, a busy local process a few. */
const MAX_IDLE_PER_ORIGIN = 32;

/**
 * RFC 7616 Digest client, correct under concurrency with strict servers.
 *
 * A nonce is *leased* to one request at a time and returned to the origin's idle pool when the answer has
 * arrived. So every use of a nonce reaches the server after the previous one was answered, in nc order —
 * which Apache's `AuthDigestNcCheck On` (and Atlas's replay protection) require: a shared nonce used by
 * concurrent requests on several sockets can arrive out of nc order and be refused as a replay. A request
 * that finds no idle nonce sends unauthenticated, then answers the 401's own challenge (two round trips,
 * like MongoDB's Go digest transport does every time). Sequential callers — one Lambda invocation at a time —
 * always find the nonce idle and authenticate pre-emptively in one round trip.
 *
 * A 401 to a pre-emptive or unauthenticated attempt is answered once with the challenge it carries (stale
 * nonce, rotated nonce); a 401 to that answer is returned (the keys are wrong), unless the transport had to
 * re-send it (see {@link HttpResponse.resent}). Credentials never appear in
 * errors; nothing is logged.
 */
export class DigestAuthenticator implements Authenticator {
  readonly #username: string;
  readonly #password: string;
  readonly #cnonce: () => string;
  readonly #idle = new Map<string, NonceUse[]>();
  readonly #nonces = new Map<string, NonceUse>();

  /** @param options.cnonce - cnonce source; 128 random bits by default. Tests pass a fixed one. */
  constructor(credentials: { username: string; password: string }, options: { cnonce?: () => string } = {}) {
    this.#username = credentials.username;
    this.#password = credentials.password;
    this.#cnonce = options.cnonce ?? (() => randomBytes(16).toString("hex"));
  }

  /** Sends `request`, authenticating as needed; two transport calls at most (three after a re-send). */
  async send(transport: HttpTransport, request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const uri = `${url.pathname}${url.search}`;
    const lease = this.#take(url.origin);
    const first = await transport(
      lease
        ? this.#authorise(request, uri, lease)
        : { ...request, headers: withoutAuthorization(request.headers) },
    );
    const challenge = challengeOf(first);
    if (!challenge) {
      if (lease) this.#give(url.origin, lease);
      return first;
    }
    return this.#answer(transport, request, uri, challenge, true);
  }

  /**
   * Answers a challenge with a nonce of its own, so it cannot race another request. When the answer was
   * refused after the transport re-sent it on a new socket, the server may have seen that nc already: it is
   * answered once more with the new challenge rather than taken for wrong keys.
   */
  async #answer(
    transport: HttpTransport,
    request: HttpRequest,
    uri: string,
    challenge: DigestChallenge,
    mayAnswerAgain: boolean,
  ): Promise<HttpResponse> {
    const origin = new URL(request.url).origin;
    const fresh = this.#adopt(origin, challenge);
    const answer = await transport(this.#authorise(request, uri, fresh));
    if (answer.status !== 401) {
      this.#give(origin, fresh);
      return answer;
    }
    const next = answer.resent && mayAnswerAgain ? challengeOf(answer) : undefined;
    return next ? this.#answer(transport, request, uri, next, false) : answer;
  }

  /** Takes an idle nonce of the origin for exclusive use, newest first (least likely to be stale). */
  #take(origin: string): NonceUse | undefined {
    const idle = this.#idle.get(origin);
    let use = idle?.pop();
    while (use && use.nc >= MAX_NC) use = idle?.pop();
    return use;
  }

  /** Returns a nonce to the origin's idle pool once its request has been answered. */
  #give(origin: string, use: NonceUse): void {
    const idle = this.#idle.get(origin) ?? [];
    if (!idle.includes(use)) idle.push(use);
    if (idle.length > MAX_IDLE_PER_ORIGIN) idle.shift();
    this.#idle.set(origin, idle);
  }

  /** The count record for a challenge's nonce, kept if the server sends a nonce it already issued. */
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

/** The Digest challenge of a 401, if it carries one. */
function challengeOf(response: HttpResponse): DigestChallenge | undefined {
  const header = response.headers["www-authenticate"];
  return response.status === 401 && header !== undefined ? parseDigestChallenge(header) : undefined;
}

/** Drops any caller-supplied Authorization header, whatever its case. */
function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"),
  );
}
