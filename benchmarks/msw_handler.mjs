// The MSW handlers' cost per request in Node: a page of 20 viewers, through MSW's own dispatch (getResponse),
// and through the handlers' core (ViewersApi.respond) without it.
//
//     (cd msw && npm ci && npm run build) && node benchmarks/msw_handler.mjs [--rounds 2000] [--output BENCHMARKS.md]
//
// Prints Markdown: the median, p95 and p99 of each case, with the machine, its load and the command; with
// --output, also writes it as its own section of that file (kept there by `./dev bench`).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";

const msw = new URL("../msw/", import.meta.url);
const { getResponse } = await import(new URL("node_modules/msw/lib/core/index.mjs", msw).href);
const { DEVELOPMENT_SECRET, mintToken, STREAMS, ViewersApi, viewersHandlers } = await import(new URL("dist/index.js", msw).href);

const option = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const rounds = Number(option("--rounds") ?? 2000) || 2000;
const token = await mintToken(DEVELOPMENT_SECRET, "64d15f9e2e6c8f4d5a000001");
const headers = { Authorization: `Bearer ${token}` };
const url = (stream, query) => `http://localhost/api/v1/live-stream/${stream}/viewers?${query}`;

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function measure(name, call, queries) {
  for (let i = 0; i < 1000; i++) await call(queries(i));  // warm-up: the JIT, the first folds and follow keys
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const query = queries(i);
    const start = performance.now();
    const response = await call(query);
    await response.text();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return `| ${name} | ${quantile(times, 0.5).toFixed(3)} | ${quantile(times, 0.95).toFixed(3)} | ${quantile(times, 0.99).toFixed(3)} |`;
}

const load = loadavg().map((value) => value.toFixed(2)).join(", ");
const handlers = viewersHandlers({ clock: "2026-11-28T12:00:00Z" });
const api = new ViewersApi({ clock: "2026-11-28T12:00:00Z" });
const viaMsw = (target) => getResponse(handlers, new Request(target, { headers }));
const direct = (target) => api.respond(new Request(target, { headers }));
const pages = (stream) => (i) => url(stream, `page=${(i % 100) + 1}&limit=20`);
const rows = [
  await measure("MSW dispatch, example stream, page 1 of 20", viaMsw, () => url(STREAMS.example, "limit=20")),
  await measure("MSW dispatch, large stream (2,500 + churn), pages 1-100 of 20", viaMsw, pages(STREAMS.large)),
  await measure("MSW dispatch, large stream, search `ay` page of 20", viaMsw, () => url(STREAMS.large, "search=ay&limit=20")),
  await measure("handlers' core (respond), large stream, pages 1-100 of 20", direct, pages(STREAMS.large)),
  await measure("MSW dispatch, 400 (three bad parameters)", viaMsw, () => url("xyz", "page=0&limit=x")),
];
const text = [
  "| case | median ms | p95 ms | p99 ms |", "|---|---|---|---|", ...rows, "",
  `Measured ${new Date().toISOString().slice(0, 10)}: ${rounds} requests a case after 1,000 warm-up ones, one at a time, ` +
  `in one Node ${process.version} process; ${cpus().length} cores (${cpus()[0]?.model.trim()}); load average ` +
  `(1, 5, 15 min) at the start: ${load}, at the end: ${loadavg().map((value) => value.toFixed(2)).join(", ")}. ` +
  "Command: `node benchmarks/msw_handler.mjs --output BENCHMARKS.md` after `npm ci && npm run build` in msw/.",
].join("\n");
console.log(text);
const output = option("--output");
if (output !== undefined) {
  const [start, end] = ["<!-- msw-handler:start -->", "<!-- msw-handler:end -->"];
  const section = `${start}\n## MSW handlers in Node (a page of 20; target under 1 ms)\n\n${text}\n${end}\n`;
  const page = existsSync(output) ? readFileSync(output, "utf-8") : "# Benchmarks\n";
  writeFileSync(output, page.includes(start) && page.includes(end)
    ? page.slice(0, page.indexOf(start)) + section + page.slice(page.indexOf(end) + end.length + 1)
    : `${page.trimEnd()}\n\n${section}`);
}
