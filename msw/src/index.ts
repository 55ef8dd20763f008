/** allmine-viewers-msw: the Allmine viewers endpoint as MSW 2 handlers, with the Python mock's data and semantics. */

export { viewersHandlers, type ViewersHandlerOptions } from "./handlers.js";
export { ViewersApi, type PhotoMode, type ViewersApiOptions } from "./api.js";
export { mintToken } from "./jwt.js";
export type { PortableDataSet } from "./portable.js";
export type { components, paths } from "./types/openapi.js";

import data from "./data/dataset.js";

/** The shipped data set (seed 0): the stream ids, the users and the development secret the mock uses. */
export const dataset = data;
/** The ids of the built-in streams by role (example, large, empty, ended, live). */
export const STREAMS: Readonly<Record<string, string>> = data.streamIds;
export const DEFAULT_USER_ID = data.auth.defaultUserId;
export const FORBIDDEN_USER_ID = data.auth.forbiddenUserId;
export const DEVELOPMENT_SECRET = data.auth.developmentSecret;
