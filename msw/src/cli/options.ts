/** The command's options, from its arguments and the environment, each bad value named in one line. */

import { checkSecret } from "../jwt.js";

export interface ServeOptions {
  host: string;
  port: number;
  photos: "origin" | "data-url";
  clock?: string;
  clockStartedAt?: number;
  jwtSecret?: string;
  trustUnverifiedTokens: boolean;
  /** Allowed CORS origins; null: any origin on localhost. */
  corsOrigins: string[] | null;
}

export type Parsed =
  | { kind: "serve"; options: ServeOptions }
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "error"; message: string };

export const USAGE = `usage: allmine-viewers-msw [--port PORT] [--host HOST] [--photos MODE] [--clock INSTANT]
                           [--jwt-secret SECRET] [--trust-unverified-tokens] [--cors-origins ORIGINS]

Serve the MSW handlers of GET /api/v1/live-stream/{id}/viewers over HTTP, with the Python mock's data and rules.

options:
  -h, --help               show this help and exit
  --version                print the version and exit
  --port PORT              port to listen on, 0 for any free one (default 8080; env MSW_PORT)
  --host HOST              loopback address to listen on (default 127.0.0.1; env MSW_HOST)
  --photos MODE            origin: photo URLs on this server, drawn as SVG (default); data-url: SVG data URLs
  --clock INSTANT          the instant the clock starts at, e.g. 2026-11-28T12:00:00Z (as the mock's --clock)
  --clock-started MS       when second 0 began, ms since the epoch (default: now; env MSW_CLOCK_STARTED)
  --jwt-secret SECRET      HS256 secret of the tokens (default: the mock's development secret; env MSW_JWT_SECRET)
  --trust-unverified-tokens  also accept well-formed, unexpired JWTs whose signature cannot be checked
  --cors-origins ORIGINS   comma-separated origins allowed by CORS, or *; default any origin on localhost
`;

const VALUED = new Set(["--port", "--host", "--photos", "--clock", "--clock-started", "--jwt-secret", "--cors-origins"]);
const FLAGS = new Set(["--trust-unverified-tokens"]);

export function parseOptions(argv: string[], env: Record<string, string | undefined>): Parsed {
  const given = new Map<string, string>();
  for (const [key, name] of [["MSW_PORT", "--port"], ["MSW_HOST", "--host"], ["MSW_JWT_SECRET", "--jwt-secret"],
    ["MSW_CLOCK_STARTED", "--clock-started"]] as const) {
    const value = env[key];
    if (value !== undefined && value !== "") given.set(name, value);
  }
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i] as string;
    if (argument === "-h" || argument === "--help") return { kind: "help" };
    if (argument === "--version") return { kind: "version" };
    const [name, inline] = argument.includes("=") ? [argument.slice(0, argument.indexOf("=")), argument.slice(argument.indexOf("=") + 1)] : [argument, undefined];
    if (FLAGS.has(name)) {
      given.set(name, "true");
    } else if (VALUED.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) return { kind: "error", message: `${name} needs a value (see --help)` };
      given.set(name, value);
    } else {
      return { kind: "error", message: `unknown option ${JSON.stringify(argument)} (see --help)` };
    }
  }
  const portText = given.get("--port") ?? "8080";
  const port = Number(portText);
  if (!/^[0-9]{1,5}$/.test(portText) || port > 65535) {
    return { kind: "error", message: `--port has value ${JSON.stringify(portText)}: not a port (0 to 65535)` };
  }
  const host = given.get("--host") ?? "127.0.0.1";
  if (!/^(127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|::1|localhost)$/.test(host)) {
    return { kind: "error", message: `--host has value ${JSON.stringify(host)}: only a loopback address (127.0.0.1, ::1, localhost)` };
  }
  const photos = given.get("--photos") ?? "origin";
  if (photos !== "origin" && photos !== "data-url") {
    return { kind: "error", message: `--photos has value ${JSON.stringify(photos)}: not a photo mode (origin or data-url)` };
  }
  const options: ServeOptions = { host, port, photos, trustUnverifiedTokens: given.has("--trust-unverified-tokens"),
    corsOrigins: null };
  const clock = given.get("--clock");
  if (clock !== undefined) {
    if (!/T/i.test(clock) || !Number.isFinite(Date.parse(clock)) || !/(Z|[+-][0-9]{2}:?[0-9]{2})$/i.test(clock)) {
      return { kind: "error", message: `--clock has value ${JSON.stringify(clock)}: not an instant such as 2026-11-28T12:00:00Z` };
    }
    options.clock = clock;
  }
  const started = given.get("--clock-started");
  if (started !== undefined) {
    if (!/^[0-9]{1,15}$/.test(started)) {
      return { kind: "error", message: `--clock-started has value ${JSON.stringify(started)}: not milliseconds since the epoch` };
    }
    options.clockStartedAt = Number(started);
  }
  const secret = given.get("--jwt-secret");
  if (secret !== undefined) {
    try {
      options.jwtSecret = checkSecret(secret);
    } catch (error) {
      return { kind: "error", message: `--jwt-secret: ${(error as Error).message}` };
    }
  }
  const cors = given.get("--cors-origins");
  if (cors !== undefined) options.corsOrigins = cors.split(",").map((origin) => origin.trim()).filter(Boolean);
  return { kind: "serve", options };
}
