/**
 * The viewers endpoint as a function of a Fetch request, with the Python mock's semantics: one error path
 * rendering the envelope, `Prefer` scenarios, bearer tokens, the spec's parameter rules, pages and search on
 * the clock. The MSW handlers, the HTTP command and the benchmark all call `respond`.
 */

import { blake2b, fromBytes, mix64, signedBytes } from "./bits.js";
import { avatarSvg, svgDataUrl } from "./avatars.js";
import shipped from "./data/dataset.js";
import { AuthenticationFailed, TokenVerifier } from "./jwt.js";
import { LiveData, PermissionDenied, StreamNotFound, type Clock, type ViewerPage } from "./live.js";
import { ParameterRules, type Received } from "./params.js";
import type { PortableDataSet, PortablePhoto, PortableViewer } from "./portable.js";
import { ScenarioForced, ScenarioRejected, scenarioParser, type Scenario } from "./scenarios.js";
import { textRules } from "./text.js";
import { formatTimestamp, ViewerFactory, viewerJson, type ViewerJson } from "./viewers.js";

export const VIEWERS_PATH = /^\/api\/v1\/live-stream\/([^/]+)\/viewers$/;
const API_PREFIX = "/api/";
const KEPT_VIEWERS = 200_000;

export type PhotoMode = "data-url" | "origin";

export interface ViewersApiOptions {
  /** HS256 secret of the tokens (default: the mock's development secret, as `mockserver token` uses). */
  jwtSecret?: string;
  /** Also accept well-formed, unexpired JWTs whose signature cannot be checked (the mock's --trust-unverified-tokens). */
  trustUnverifiedTokens?: boolean;
  /** The instant second 0 of the clock stands for (the mock's --clock): RFC 3339 text, ms since the epoch or a Date. */
  clock?: string | number | Date;
  /** When second 0 began (ms since the epoch, wall clock; default: when the handlers were made, or without a clock
   * the top of that UTC hour, as the mock). */
  clockStartedAt?: number;
  /** Photos as SVG data URLs (default: nothing needs the network) or on the request's origin, as the mock serves them. */
  photos?: PhotoMode;
  /** Another data set made by the generator (default: the shipped one, seed 0). */
  data?: PortableDataSet;
  /** What the clock reads (ms since the epoch); for tests. */
  now?: () => number;
}

export class HttpError extends Error {
  constructor(readonly status: number, readonly details: string[] = [], readonly headers: Record<string, string> = {}) {
    super(details[0] ?? String(status));
  }
}

function instant(clock: string | number | Date | undefined, now: number): number {
  if (clock === undefined) return now;
  const ms = clock instanceof Date ? clock.getTime() : typeof clock === "number" ? clock : Date.parse(clock);
  if (!Number.isFinite(ms)) throw new Error(`clock has value ${JSON.stringify(String(clock))}: not an instant such as 2026-11-28T12:00:00Z`);
  return ms;
}

/** The first bytes that are not UTF-8 (the maximal subpart, as Python's decoder and TextDecoder mark it), as
 * [start, end), or null. */
function firstInvalidUtf8(bytes: number[]): [number, number] | null {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i] as number;
    const [count, low, high] =
      lead < 0x80 ? [0, 0, 0] : lead >= 0xc2 && lead <= 0xdf ? [1, 0x80, 0xbf] : lead === 0xe0 ? [2, 0xa0, 0xbf]
        : lead === 0xed ? [2, 0x80, 0x9f] : lead >= 0xe1 && lead <= 0xef ? [2, 0x80, 0xbf]
          : lead === 0xf0 ? [3, 0x90, 0xbf] : lead >= 0xf1 && lead <= 0xf3 ? [3, 0x80, 0xbf]
            : lead === 0xf4 ? [3, 0x80, 0x8f] : [-1, 0, 0];
    if (count < 0) return [i, i + 1];
    let next = i + 1;
    for (let k = 0; k < count; k++, next++) {
      const byte = bytes[next];
      const [min, max] = k === 0 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return [i, Math.max(next, i + 1)];
    }
    i = next;
  }
  return null;
}

/** A query name or value percent-decoded as UTF-8 (`+` a space), each bad byte U+FFFD, and the first bytes that
 * are not UTF-8, percent-encoded (%FF), or null. */
function percentDecoded(text: string): [string, string | null] {
  const plain = text.replaceAll("+", " ");
  if (!plain.includes("%")) return [plain, null];
  const bytes: number[] = [];
  for (let i = 0; i < plain.length; i++) {
    const code = plain.charCodeAt(i);
    const hex = plain.slice(i + 1, i + 3);
    if (code === 0x25 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...new TextEncoder().encode(plain[i] as string));
    }
  }
  const invalid = firstInvalidUtf8(bytes);
  const bad = invalid === null ? null
    : bytes.slice(...invalid).map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join("");
  return [new TextDecoder().decode(new Uint8Array(bytes)), bad];
}

/** Python's parse_qsl(query, keep_blank_values=True) of a raw query string (UTF-8, invalid bytes replaced). */
export function parseQuery(query: string): [string, string][] {
  return parseQueryStrictly(query).query;
}

/** The pairs parseQuery reads, and, for each name one of whose values is not UTF-8 once percent-decoded, that
 * value as sent and its first bytes that are not (mockserver.core.params.query_pairs). */
export function parseQueryStrictly(query: string): Pick<Received, "query" | "undecodable"> {
  const pairs: [string, string][] = [];
  const undecodable: [string, string, string][] = [];
  for (const piece of query.split("&")) {
    if (!piece) continue;
    const equals = piece.indexOf("=");
    const [name] = percentDecoded(equals < 0 ? piece : piece.slice(0, equals));
    const rawValue = equals < 0 ? "" : piece.slice(equals + 1);
    const [value, bad] = percentDecoded(rawValue);
    pairs.push([name, value]);
    if (bad !== null && !undecodable.some(([known]) => known === name)) undecodable.push([name, rawValue, bad]);
  }
  return { query: pairs, undecodable };
}

export class ViewersApi {
  readonly data: PortableDataSet;
  readonly live: LiveData;
  private readonly text;
  private readonly verifier: TokenVerifier;
  private readonly rules: ParameterRules;
  private readonly scenario: (header: string | null) => Scenario;
  private readonly factory: ViewerFactory;
  private readonly photos: PhotoMode;
  private readonly viewers = new Map<string, ViewerJson>();
  private readonly requesters = new Map<string, bigint>();
  private readonly seed: bigint;
  private readonly mediaPath: RegExp;

  constructor(options: ViewersApiOptions = {}) {
    this.data = options.data ?? shipped;
    this.text = textRules(this.data);
    const now = options.now ?? Date.now;
    // As the mock: with a clock, second 0 is when the handlers began, standing for that instant; without one, it is
    // the top of the UTC hour they began in, standing for itself, so they agree with any mock started that hour.
    const began = options.clockStartedAt ?? now();
    const anchor = Math.floor(began / this.data.clock.anchorMs) * this.data.clock.anchorMs;
    const started = options.clock === undefined && options.clockStartedAt === undefined ? anchor : began;
    const startMs = instant(options.clock, started);
    const clock: Clock = { startMs, second: () => Math.max(0, Math.floor((now() - started) / 1000)) };
    this.live = new LiveData(this.data, clock, this.text);
    this.verifier = new TokenVerifier(options.jwtSecret ?? this.data.auth.developmentSecret, this.text,
      options.trustUnverifiedTokens ?? false, () => now() / 1000);
    this.rules = new ParameterRules(this.data.parameters, this.text);
    this.scenario = scenarioParser(this.data, this.text);
    this.factory = new ViewerFactory(this.data);
    this.photos = options.photos ?? "data-url";
    this.seed = BigInt(this.data.seed);
    this.mediaPath = new RegExp(`^${this.data.media.path.replaceAll("(?P<", "(?<")}$`, "u");
  }

  /** The answer to any request of the API (unknown paths and methods included), always an envelope. */
  async respond(request: Request, method: string = request.method): Promise<Response> {
    const url = new URL(request.url);
    let applied: string[] = [];
    try {
      let path = url.pathname;
      try {
        path = decodeURIComponent(path);
      } catch {
        // a malformed escape is routed as it came
      }
      if (path.startsWith(API_PREFIX)) {
        const scenario = this.scenario(request.headers.get("prefer"));
        if (scenario.delayMs) await new Promise((resolve) => setTimeout(resolve, scenario.delayMs));
        applied = scenario.applied;
        if (scenario.code !== undefined && scenario.code !== 200) throw new ScenarioForced(scenario.code);
        if (path.endsWith("/") && VIEWERS_PATH.test(path.replace(/\/+$/, ""))) {
          // As Starlette routes: a trailing slash is redirected to the path without it.
          const location = new URL(url.href);
          location.pathname = url.pathname.replace(/\/+$/, "");
          return this.withApplied(new Response(null, { status: 307, headers: { location: location.href } }), applied);
        }
        const route = VIEWERS_PATH.exec(path);
        if (route !== null) {
          if (method !== "GET" && method !== "HEAD") {
            throw new HttpError(405, [], { allow: "HEAD, GET" });
          }
          return this.withApplied(await this.viewersPage(request, method, url, route[1] as string, scenario), applied);
        }
      }
      throw new HttpError(404);
    } catch (error) {
      return this.withApplied(this.errorResponse(error), applied);
    }
  }

  /** An avatar of the mock's /media/ paths, drawn as SVG; null for any other path. */
  avatar(request: Request): Response | null {
    let path = new URL(request.url).pathname;
    try {
      path = decodeURIComponent(path);  // the initials travel percent-encoded (%C3%96 for Ö)
    } catch {
      return null;
    }
    const match = this.mediaPath.exec(path);
    if (match?.groups === undefined) return null;
    const { id, initials, edge } = match.groups;
    const svg = avatarSvg(id as string, initials as string, edge ? Number(edge) : this.data.media.photoEdge);
    return new Response(svg, { headers: { "content-type": "image/svg+xml", "cache-control": "public, max-age=31536000, immutable",
      "access-control-allow-origin": "*" } });
  }

  private withApplied(response: Response, applied: string[]): Response {
    if (applied.length) response.headers.set("preference-applied", applied.join(", "));
    return response;
  }

  private async viewersPage(request: Request, method: string, url: URL, streamId: string, scenario: Scenario): Promise<Response> {
    const userId = await this.verifier.userId(request.headers.get("authorization"));
    const received: Received = { ...parseQueryStrictly(url.search.slice(1)), path: { id: streamId } };
    const problems = this.rules.problems(received);
    if (problems.length) throw new HttpError(400, problems);
    const value = (name: string): string | undefined => ParameterRules.first(received, name);
    const fallback = (name: string): string =>
      String(this.data.parameters.find((parameter) => parameter.name === name)?.default);
    const second = scenario.atSecond ?? this.live.clock.second();
    const stream = this.live.liveStream(streamId, second);
    this.live.mayReadAudience(userId, stream);
    const page = this.live.page(stream, second, {
      page: BigInt(value("page") ?? fallback("page")),
      limit: Number(value("limit") ?? fallback("limit")),
      search: value("search"),
    });
    const body = this.render(stream.id, page, userId, url.origin);
    return new Response(method === "HEAD" ? null : body, { status: 200, headers: { "content-type": "application/json" } });
  }

  private requesterKey(userId: string): bigint {
    let key = this.requesters.get(userId);
    if (key === undefined) {
      key = fromBytes(blake2b(new TextEncoder().encode(userId), 8, signedBytes(this.seed)));
      if (this.requesters.size >= 10_000) this.requesters.clear();
      this.requesters.set(userId, key);
    }
    return key;
  }

  private photo = (viewer: PortableViewer): PortablePhoto | null => {
    const photo = viewer.profilePhoto;
    if (photo === null || this.photos === "origin") return photo;
    const letters = this.factory.initials(viewer.name, viewer.surname);
    const variants: Record<string, string> = {};
    for (const edge of Object.keys(photo.variants)) variants[edge] = svgDataUrl(avatarSvg(viewer._id, letters, Number(edge)));
    return { ...photo, url: svgDataUrl(avatarSvg(viewer._id, letters, this.data.media.photoEdge)), variants };
  };

  /** The page's 200 envelope, with isFollowing as the requester sees it, byte for byte as the mock renders it. */
  render(streamId: string, page: ViewerPage, userId: string, origin: string, timestamp?: string): string {
    const requester = this.requesterKey(userId);
    const share = BigInt(this.data.follows.share);
    const items: string[] = [];
    for (const place of page.places) {
      const cacheKey = `${streamId}:${place}`;
      let json = this.viewers.get(cacheKey);
      if (json === undefined) {
        json = viewerJson(page.viewerAt(place), this.photo);
        if (this.viewers.size >= KEPT_VIEWERS) this.viewers.clear();
        this.viewers.set(cacheKey, json);
      }
      const follows = json.followedBy !== null ? json.followedBy.has(userId) : mix64(requester ^ json.key) < share;
      items.push(json.head + (follows ? "true" : "false") + json.tail);
    }
    let listed = items.join(",");
    if (this.photos === "origin") listed = listed.replaceAll(this.data.media.placeholder, origin);
    const totalPages = Math.ceil(page.totalItems / page.itemsPerPage);
    const pagination = `{"currentPage":${page.currentPage},"totalPages":${totalPages},"totalItems":${page.totalItems},` +
      `"itemsPerPage":${page.itemsPerPage},"hasNextPage":${page.currentPage < BigInt(totalPages)},` +
      `"hasPrevPage":${page.currentPage > 1n}}`;
    return `{"isSuccess":true,"statusCode":200,"data":{"list":[${listed}],"pagination":${pagination},` +
      `"participantAudienceTotal":${page.participantAudienceTotal}},"errors":[],` +
      `"timestamp":${JSON.stringify(timestamp ?? formatTimestamp(Date.now()))}}`;
  }

  /** The one error path: whatever went wrong leaves as the API's error envelope. */
  errorResponse(error: unknown): Response {
    let status = 500;
    let details: string[] = [];
    let headers: Record<string, string> = {};
    if (error instanceof ScenarioRejected) [status, details] = [400, [error.message]];
    else if (error instanceof ScenarioForced) {
      [status, details] = [error.status, [error.message]];
      if (status === 401) headers = { "www-authenticate": 'Bearer realm="allmine"' };
      if (status === 503) headers = { "retry-after": "1" };
    } else if (error instanceof AuthenticationFailed) {
      [status, details, headers] = [401, [error.reason], { "www-authenticate": error.wwwAuthenticate }];
    } else if (error instanceof PermissionDenied || error instanceof StreamNotFound) {
      [status, details] = [error.status, [error.message]];
    } else if (error instanceof HttpError) [status, details, headers] = [error.status, error.details, error.headers];
    else console.error("allmine-viewers-msw: unexpected error, answered with a 500 envelope", error);
    if (status >= 500 && !(error instanceof ScenarioForced)) details = [];
    return new Response(JSON.stringify(this.envelope(status, details)), {
      status, headers: { ...headers, "content-type": "application/json" },
    });
  }

  /** An error envelope: the status's headline first, then each detail once. */
  envelope(status: number, details: string[]): Record<string, unknown> {
    const headline = this.data.errorMessages[String(status)] ?? "Error";
    const errors = [headline];
    for (const detail of details) if (detail && !errors.includes(detail)) errors.push(detail);
    return { isSuccess: false, statusCode: status, data: null, errors, timestamp: formatTimestamp(Date.now()) };
  }
}
