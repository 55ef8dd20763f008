/** MSW 2 request handlers of the viewers endpoint, shared by `setupServer` (Node) and `setupWorker` (browser). */

import { http, type HttpHandler } from "msw";
import { ViewersApi, type ViewersApiOptions } from "./api.js";

export interface ViewersHandlerOptions extends ViewersApiOptions {
  /** The origin (and path prefix) the API is called at, e.g. `https://api.example.com` (default: any origin). */
  baseUrl?: string;
}

/** Handlers for `GET /api/v1/live-stream/:id/viewers` (other methods: 405) and, with `photos: "origin"`, the avatars. */
export function viewersHandlers(options: ViewersHandlerOptions = {}): HttpHandler[] {
  const api = new ViewersApi(options);
  const base = options.baseUrl?.replace(/\/+$/, "") ?? "*";
  const handlers = [http.all(`${base}/api/v1/live-stream/:id/viewers`, ({ request }) => api.respond(request))];
  if (options.photos === "origin") {
    handlers.push(http.get(`${base}/media/avatars/*`, ({ request }) => api.avatar(request) ?? undefined));
  }
  return handlers;
}
