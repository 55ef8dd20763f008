// The README's setupServer example (Vitest or Jest in Node): the handlers answer fetch() in the test process.
import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect, test } from "vitest";
import { DEVELOPMENT_SECRET, mintToken, STREAMS, viewersHandlers } from "allmine-viewers-msw";

const server = setupServer(...viewersHandlers({ clock: "2026-11-28T12:00:00Z" }));
beforeAll(() => server.listen());
afterAll(() => server.close());

test("a page of the documented example stream", async () => {
  const token = await mintToken(DEVELOPMENT_SECRET, "64d15f9e2e6c8f4d5a000001");
  const response = await fetch(`https://api.example.com/api/v1/live-stream/${STREAMS.example}/viewers?page=2&limit=10`,
    { headers: { Authorization: `Bearer ${token}` } });
  const body = await response.json();
  expect(response.status).toBe(200);
  expect(body.data.pagination).toEqual({ currentPage: 2, totalPages: 5, totalItems: 45, itemsPerPage: 10,
    hasNextPage: true, hasPrevPage: true });
  expect(body.data.participantAudienceTotal).toBe(128);
});

test("no token: 401 with the envelope", async () => {
  const response = await fetch(`https://api.example.com/api/v1/live-stream/${STREAMS.example}/viewers`);
  expect(response.status).toBe(401);
  expect(await response.json()).toMatchObject({ isSuccess: false, statusCode: 401, data: null,
    errors: ["Authentication required", "No bearer token was sent"] });
});
