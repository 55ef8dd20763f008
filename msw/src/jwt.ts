/** Bearer tokens: HS256 JWTs minted and verified by the Python mock's rules (PyJWT's, where they decide). */

import { pythonJsonError } from "./pyjson.js";
import type { TextRules } from "./text.js";

export const ALGORITHM = "HS256";
const KEPT_TOKENS = 10_000;
const ALPHABET = /^[A-Za-z0-9_-]*$/;
const encoder = new TextEncoder();

/** The request carries no usable credentials: 401. */
export class AuthenticationFailed extends Error {
  readonly status = 401;

  constructor(readonly reason: string, readonly tokenError = true) {
    super(reason);
  }

  get wwwAuthenticate(): string {
    if (!this.tokenError) return 'Bearer realm="allmine"';
    return `Bearer realm="allmine", error="invalid_token", error_description="${this.reason.replaceAll('"', "'")}"`;
  }
}

class TokenInvalid extends Error {}
class BadSignature extends Error {}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A segment decoded as PyJWT does: trailing `=` allowed, junk and non-canonical encodings refused. */
function segment(text: string): Uint8Array {
  let stripped = text;
  let padding = 0;
  while (stripped.endsWith("=")) {
    stripped = stripped.slice(0, -1);
    if (++padding > 2) throw new TokenInvalid("padding");
  }
  if (padding && text.length % 4 !== 0) throw new TokenInvalid("padding");
  if (stripped.length % 4 === 1 || !ALPHABET.test(stripped)) throw new TokenInvalid("padding");
  const binary = atob(stripped.replaceAll("-", "+").replaceAll("_", "/") + "=".repeat((4 - (stripped.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  if (base64url(bytes) !== stripped) throw new TokenInvalid("padding");
  return bytes;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function jsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    const text = utf8.decode(bytes);
    const failure = pythonJsonError(text);
    if (failure !== null) throw new Error(failure);
    value = JSON.parse(text);
  } catch (error) {
    throw new TokenInvalid(`Invalid ${what} string: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new TokenInvalid(`Invalid ${what} string: must be a json object`);
  return value;
}

/** Python's int() of a JSON value, or null where int() raises. */
function pythonInt(value: unknown): number | null {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : null;
  if (typeof value === "string") {
    const text = value.trim();
    return /^[+-]?[0-9]+(_[0-9]+)*$/.test(text) ? Number(text.replaceAll("_", "")) : null;
  }
  return null;
}

const truthy = (value: unknown): boolean =>
  !(value === null || value === false || value === 0 || value === "" ||
    (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0));

interface Parsed {
  header: Record<string, unknown>;
  payload: Uint8Array;
  signingInput: string;
  signature: Uint8Array;
}

function parse(token: string): Parsed {
  const last = token.lastIndexOf(".");
  const first = token.indexOf(".");
  if (last < 0 || first === last) throw new TokenInvalid("Not enough segments");
  const header = jsonObject(segment(token.slice(0, first)), "header");
  if ("kid" in header && typeof header.kid !== "string") throw new TokenInvalid("kid");
  if ("crit" in header) {
    const crit = header.crit;
    if (!Array.isArray(crit) || crit.length === 0 || crit.some((ext) => typeof ext !== "string" || ext !== "b64" ||
        !(ext in header))) {
      throw new TokenInvalid("crit");
    }
  }
  let payload: Uint8Array = new Uint8Array();
  if (header.b64 === false) {
    if (token.slice(first + 1, last)) throw new TokenInvalid("b64");
  } else {
    payload = segment(token.slice(first + 1, last));
  }
  return { header, payload, signingInput: token.slice(0, last), signature: segment(token.slice(last + 1)) };
}

async function hmac(secret: string, text: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false,
    ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
}

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((byte, i) => byte === b[i]);

/** A signed HS256 access token for the user, valid for `expiresInS` seconds (as `mockserver token` mints). */
export async function mintToken(secret: string, userId: string,
  { expiresInS = 24 * 3600, now }: { expiresInS?: number; now?: number } = {}): Promise<string> {
  checkSecret(secret);
  const issued = Math.trunc(now ?? Date.now() / 1000);
  const head = base64url(encoder.encode(JSON.stringify({ alg: ALGORITHM, typ: "JWT" })));
  const body = base64url(encoder.encode(JSON.stringify({ sub: userId, iat: issued, exp: issued + expiresInS })));
  return `${head}.${body}.${base64url(await hmac(secret, `${head}.${body}`))}`;
}

export function checkSecret(secret: string, minBytes = 32): string {
  const size = encoder.encode(secret).length;
  if (size < minBytes) throw new Error(`the JWT secret has ${size} bytes: HS256 needs at least ${minBytes}`);
  return secret;
}

/** Checks bearer tokens; with `trustUnverified`, accepts tokens signed by another issuer too. */
export class TokenVerifier {
  private readonly verified = new Map<string, { userId: string; expires: number }>();

  constructor(private readonly secret: string, private readonly text: TextRules,
    private readonly trustUnverified = false, private readonly now: () => number = () => Date.now() / 1000) {
    checkSecret(secret);
  }

  /** Who the bearer token speaks for; AuthenticationFailed says why it cannot be used. */
  async userId(authorization: string | null): Promise<string> {
    const token = this.bearer(authorization);
    const kept = this.verified.get(token);
    if (kept !== undefined) {
      if (this.now() < kept.expires) return kept.userId;
      this.verified.delete(token);
    }
    const found = await this.verify(token);
    if (this.verified.size >= KEPT_TOKENS) this.verified.clear();
    this.verified.set(token, found);
    return found.userId;
  }

  private strip(text: string): string {
    if (!this.text.isBlank(text[0]) && !this.text.isBlank(text[text.length - 1])) return text;  // the usual case
    const chars = [...text];
    const blank = (char: string | undefined): boolean => char !== undefined && this.text.isBlank(char);
    while (blank(chars[0])) chars.shift();
    while (blank(chars[chars.length - 1])) chars.pop();
    return chars.join("");
  }

  private bearer(authorization: string | null): string {
    if (authorization === null || this.text.isBlank(authorization)) {
      throw new AuthenticationFailed("No bearer token was sent", false);
    }
    const stripped = this.strip(authorization);
    const space = stripped.indexOf(" ");
    const scheme = space < 0 ? stripped : stripped.slice(0, space);
    const token = space < 0 ? "" : stripped.slice(space + 1);
    if (scheme.toLowerCase() !== "bearer" || this.text.isBlank(token)) {
      throw new AuthenticationFailed("The Authorization header must be 'Bearer <token>'");
    }
    return this.strip(token);
  }

  private async verify(token: string): Promise<{ userId: string; expires: number }> {
    let parsed: Parsed;
    try {
      parsed = parse(token);
    } catch {
      throw new AuthenticationFailed("The bearer token is not a well-formed JWT");
    }
    const algorithm = parsed.header.alg;
    if (typeof algorithm !== "string" || algorithm.toLowerCase() === "none") {
      throw new AuthenticationFailed("Unsigned tokens (alg 'none') are not accepted");
    }
    if (algorithm === ALGORITHM) {
      try {
        return principal(await this.claims(parsed, true));
      } catch (error) {
        if (!(error instanceof BadSignature)) throw error;
        if (!this.trustUnverified) throw new AuthenticationFailed("The bearer token's signature is invalid");
      }
    } else if (!this.trustUnverified) {
      throw new AuthenticationFailed(`Tokens signed with ${algorithm} are not accepted; this server uses ${ALGORITHM}`);
    }
    return principal(await this.claims(parsed, false));
  }

  private async claims(parsed: Parsed, verified: boolean): Promise<Record<string, unknown>> {
    if (verified && !equal(await hmac(this.secret, parsed.signingInput), parsed.signature)) throw new BadSignature();
    let payload: Record<string, unknown>;
    try {
      payload = jsonObject(parsed.payload, "payload");
    } catch (error) {
      throw new AuthenticationFailed(`The bearer token is invalid: ${(error as Error).message}`);
    }
    const invalid = (message: string): AuthenticationFailed =>
      new AuthenticationFailed(`The bearer token is invalid: ${message}`);
    for (const claim of ["sub", "exp"]) {
      if (payload[claim] === undefined || payload[claim] === null) {
        throw new AuthenticationFailed(`The bearer token has no '${claim}' claim`);
      }
    }
    const now = this.now();
    if (verified && "iat" in payload) {
      const iat = pythonInt(payload.iat);
      if (iat === null) throw invalid("Issued At claim (iat) must be an integer.");
      if (iat > now) throw invalid("The token is not yet valid (iat)");
    }
    if (verified && "nbf" in payload) {
      const nbf = pythonInt(payload.nbf);
      if (nbf === null) throw invalid("Not Before claim (nbf) must be an integer.");
      if (nbf > now) throw invalid("The token is not yet valid (nbf)");
    }
    const exp = pythonInt(payload.exp);
    if (exp === null) throw invalid("Expiration Time claim (exp) must be an integer.");
    if (exp <= now) throw new AuthenticationFailed("The bearer token has expired");
    if (verified && "aud" in payload && truthy(payload.aud)) throw invalid("Invalid audience");
    if (verified && "sub" in payload && typeof payload.sub !== "string") throw invalid("Subject must be a string");
    if (verified && "jti" in payload && typeof payload.jti !== "string") throw invalid("JWT ID must be a string");
    return payload;
  }
}

function principal(claims: Record<string, unknown>): { userId: string; expires: number } {
  const { sub, exp } = claims;
  if (typeof sub !== "string" || !sub) throw new AuthenticationFailed("The bearer token's 'sub' claim is not a user id");
  if (typeof exp !== "number" && typeof exp !== "boolean") {
    throw new AuthenticationFailed("The bearer token's 'exp' claim is not a time");
  }
  return { userId: sub, expires: Number(exp) };
}
