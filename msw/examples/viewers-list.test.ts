// @vitest-environment jsdom
// A component test of the viewers list against the MSW handlers (Vitest + jsdom, setupServer).
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { DEVELOPMENT_SECRET, FORBIDDEN_USER_ID, mintToken, STREAMS, viewersHandlers } from "allmine-viewers-msw";
import { mountViewersList } from "./viewers-list.js";

const server = setupServer(...viewersHandlers());
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const settled = async (root: HTMLElement): Promise<void> => {
  await expect.poll(() => root.dataset.loading).toBeUndefined();
};

test("lists the first page and narrows it by a Turkish search", async () => {
  const root = document.createElement("div");
  const token = await mintToken(DEVELOPMENT_SECRET, "64d15f9e2e6c8f4d5a000001");
  await mountViewersList(root, { apiBase: "http://localhost", streamId: STREAMS.example as string, token });
  expect(root.querySelector("[role=status]")?.textContent).toBe("45 viewers");
  expect(root.querySelectorAll("li")).toHaveLength(20);
  expect(root.querySelector("img")?.getAttribute("src")).toMatch(/^data:image\/svg\+xml,/);

  const input = root.querySelector("input") as HTMLInputElement;
  input.value = "ŞAFAK";  // folded as the mock folds: finds Şafak
  input.dispatchEvent(new Event("input"));
  await settled(root);
  const names = [...root.querySelectorAll("li")].map((item) => item.textContent?.replace(" (following)", ""));
  expect(names).toEqual(["Mahsun Şafak", "Canfeza Şafak"]);
  expect(root.querySelector("[role=status]")?.textContent).toBe("2 viewers");
});

test("shows the envelope's errors: a blocked user gets 403", async () => {
  const root = document.createElement("div");
  const token = await mintToken(DEVELOPMENT_SECRET, FORBIDDEN_USER_ID);
  await mountViewersList(root, { apiBase: "http://localhost", streamId: STREAMS.example as string, token });
  expect(root.querySelector("[role=status]")?.textContent).toBe(
    "Insufficient permissions: This user may not see the audience of this stream");
});

test("a Prefer header forces an error state", async () => {
  const response = await fetch(`http://localhost/api/v1/live-stream/${STREAMS.example}/viewers`, {
    headers: { Authorization: `Bearer ${await mintToken(DEVELOPMENT_SECRET, "someone")}`, Prefer: "code=503" },
  });
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("1");
  expect((await response.json()).errors).toEqual(["Service unavailable", "Forced by the Prefer header (code=503)"]);
});
