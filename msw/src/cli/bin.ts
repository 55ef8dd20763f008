#!/usr/bin/env node
/** `allmine-viewers-msw`: the MSW handlers served over HTTP, so a team without Python (or the contract suite) can call them. */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import { ViewersApi, type PhotoMode } from "../api.js";
import { parseOptions, USAGE, type ServeOptions } from "./options.js";

const LOCAL_ORIGINS = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?$/;
const FETCH_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const EXPOSED = "WWW-Authenticate, Allow, Retry-After, Preference-Applied";

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf-8")) as { version: string };
  return manifest.version;
}

/** CORS as the mock answers it: any origin on localhost by default, else the listed ones (or `*`). */
function allowedOrigin(origin: string | undefined, allowed: string[] | null): string | null {
  if (origin === undefined) return null;
  if (allowed === null) return LOCAL_ORIGINS.test(origin) ? origin : null;
  if (allowed.includes("*")) return "*";
  return allowed.includes(origin) ? origin : null;
}

async function answer(api: ViewersApi, options: ServeOptions, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const host = incoming.headers.host ?? `${options.host}:${options.port}`;
  const url = `http://${host}${incoming.url ?? "/"}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const origin = allowedOrigin(incoming.headers.origin, options.corsOrigins);
  const cors: Record<string, string> = origin === null ? {} : { "access-control-allow-origin": origin, vary: "Origin" };
  if (incoming.method === "OPTIONS" && incoming.headers["access-control-request-method"] !== undefined) {
    outgoing.writeHead(origin === null ? 400 : 200, {
      ...cors, "access-control-allow-methods": "GET, HEAD, OPTIONS", "access-control-max-age": "600",
      "access-control-allow-headers": incoming.headers["access-control-request-headers"] ?? "*",
      "content-type": "text/plain; charset=utf-8",
    });
    outgoing.end(origin === null ? "Disallowed CORS origin" : "OK");
    return;
  }
  const method = incoming.method ?? "GET";
  let request: Request;
  try {
    // Fetch refuses some methods (TRACE, CONNECT): they are answered as the mock does (405), from a GET's request.
    request = new Request(url, { method: FETCH_METHODS.has(method) ? method : "GET", headers });
  } catch {
    request = new Request(`http://${options.host}:${options.port}/`, { method: "GET", headers });
  }
  const response = (method === "GET" || method === "HEAD" ? api.avatar(request) : null) ??
    await api.respond(request, method);
  const body = incoming.method === "HEAD" ? "" : Buffer.from(await response.arrayBuffer());
  const written: Record<string, string> = { ...cors };
  // As Starlette's CORS: the exposed headers on any request with an Origin, allowed or not.
  if (incoming.headers.origin !== undefined) written["access-control-expose-headers"] = EXPOSED;
  response.headers.forEach((value, name) => { written[name] = value; });
  outgoing.writeHead(response.status, written);
  outgoing.end(body);
}

export function serve(options: ServeOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const api = new ViewersApi({ photos: options.photos as PhotoMode, ...(options.clock ? { clock: options.clock } : {}),
    ...(options.clockStartedAt !== undefined ? { clockStartedAt: options.clockStartedAt } : {}),
    ...(options.jwtSecret ? { jwtSecret: options.jwtSecret } : {}), trustUnverifiedTokens: options.trustUnverifiedTokens });
  const server = createServer((incoming, outgoing) => {
    answer(api, options, incoming, outgoing).catch((error: unknown) => {
      console.error("allmine-viewers-msw: unexpected error:", error);
      if (!outgoing.headersSent) outgoing.writeHead(500, { "content-type": "application/json" });
      outgoing.end(JSON.stringify(api.envelope(500, [])));
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : options.port;
      const shownHost = options.host.includes(":") ? `[${options.host}]` : options.host;
      resolve({ url: `http://${shownHost}:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseOptions(argv, process.env);
  if (parsed.kind === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.kind === "version") {
    process.stdout.write(`allmine-viewers-msw ${version()}\n`);
    return 0;
  }
  if (parsed.kind === "error") {
    process.stderr.write(`allmine-viewers-msw: ${parsed.message}\n`);
    return 2;
  }
  let served: { url: string; close: () => Promise<void> };
  try {
    served = await serve(parsed.options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "EADDRINUSE" ? "is in use" : code === "EACCES" ? "needs more privileges" : (error as Error).message;
    process.stderr.write(`allmine-viewers-msw: cannot listen on ${parsed.options.host}:${parsed.options.port}: ${reason}\n`);
    return 1;
  }
  process.stdout.write(`Allmine viewers MSW handlers listening on ${served.url}\n`);
  const stop = (): void => {
    void served.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return -1;
}

main(process.argv.slice(2)).then((status) => {
  if (status >= 0) process.exitCode = status;
}, (error: unknown) => {
  process.stderr.write(`allmine-viewers-msw: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
