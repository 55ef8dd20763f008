// The setupWorker example in headless Chromium, without Storybook: built with Vite, served on a free loopback
// port, opened with playwright-core on the system's Chromium. Prints the page's result as JSON; exit 1 on failure.
// usage: node test/browser-check.mjs CHROMIUM_PATH
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { chromium } from "playwright-core";

const here = fileURLToPath(new URL("..", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "allmine-msw-browser-"));
const types = { ".html": "text/html", ".js": "text/javascript", ".svg": "image/svg+xml" };
let server;
let browser;
try {
  await build({
    root: join(here, "examples", "browser"), logLevel: "error", configFile: false,
    resolve: { alias: { "allmine-viewers-msw": join(here, "src", "index.ts") } },
    build: { outDir: out, emptyOutDir: true, target: "es2022" },
  });
  copyFileSync(join(here, "node_modules", "msw", "lib", "mockServiceWorker.js"), join(out, "mockServiceWorker.js"));
  server = createServer((request, response) => {
    const path = new URL(request.url, "http://127.0.0.1").pathname;
    try {
      const body = readFileSync(join(out, path === "/" ? "index.html" : path.slice(1)));
      response.writeHead(200, { "content-type": types[extname(path)] ?? (path === "/" ? "text/html" : "application/octet-stream") });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  browser = await chromium.launch({
    executablePath: process.argv[2],
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => document.getElementById("result")?.textContent !== "pending", null, { timeout: 60_000 });
  const result = JSON.parse(await page.textContent("#result"));
  console.log(JSON.stringify({ ...result, errors }));
} catch (error) {
  console.error(`browser check failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  server?.close();
  rmSync(out, { recursive: true, force: true });
}
