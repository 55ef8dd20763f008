import { expect, test } from "vitest";
import { DEVELOPMENT_SECRET, mintToken, STREAMS, ViewersApi } from "../src/index.js";
import { colour } from "../src/avatars.js";

const get = async (api: ViewersApi, path: string, headers: Record<string, string> = {}): Promise<Response> =>
  api.respond(new Request(`http://localhost${path}`, {
    headers: { Authorization: `Bearer ${await mintToken(DEVELOPMENT_SECRET, "64d15f9e2e6c8f4d5a000001")}`, ...headers },
  }));
const list = async (response: Response): Promise<unknown> => ((await response.json()) as { data: unknown }).data;

test("the running clock serves, at each second, what Prefer: at asks for that second", async () => {
  let now = Date.parse("2026-11-28T12:00:00Z");
  const api = new ViewersApi({ clock: "2026-11-28T12:00:00Z", now: () => now });
  for (const second of [0, 1, 7, 61, 600]) {
    now = Date.parse("2026-11-28T12:00:00Z") + second * 1000 + 999;
    const path = `/api/v1/live-stream/${STREAMS.live}/viewers?limit=100`;
    expect(await list(await get(api, path))).toEqual(await list(await get(api, path, { Prefer: `at=${second}` })));
  }
});

test("the audience of a live stream moves with the clock", async () => {
  const api = new ViewersApi({ clock: "2026-11-28T12:00:00Z" });
  const path = `/api/v1/live-stream/${STREAMS.live}/viewers?limit=100`;
  const early = await list(await get(api, path, { Prefer: "at=0" }));
  const later = await list(await get(api, path, { Prefer: "at=600" }));
  expect(later).not.toEqual(early);
});

test("photos are SVG data URLs of the mock's drawing by default, or URLs on the request's origin", async () => {
  const path = `/api/v1/live-stream/${STREAMS.example}/viewers?limit=1`;
  const [viewer] = ((await list(await get(new ViewersApi(), path))) as { list: any[] }).list;
  const svg = decodeURIComponent(viewer.profilePhoto.url.replace("data:image/svg+xml,", ""));
  const [r, g, b] = colour(viewer._id);
  expect(svg).toContain(`fill='rgb(${r},${g},${b})'`);
  expect(decodeURIComponent(viewer.profilePhoto.variants["40"])).toContain("width='40'");

  const api = new ViewersApi({ photos: "origin" });
  const [onOrigin] = ((await list(await get(api, path))) as { list: any[] }).list;
  // The initials the mock puts in its photo URL (and on its picture) are the letters of the SVG.
  const initials = new URL(onOrigin.profilePhoto.url).pathname.split("/")[4];
  expect(onOrigin.profilePhoto.url).toBe(`http://localhost/media/avatars/${viewer._id}/${initials}/photo.jpg`);
  expect(svg).toContain(`>${decodeURIComponent(initials as string)}</text>`);
  const avatar = api.avatar(new Request(onOrigin.profilePhoto.variants["76"]));
  expect(avatar?.headers.get("content-type")).toBe("image/svg+xml");
  expect(await avatar?.text()).toContain("width='76'");
});

test("a bad clock is one clear error", () => {
  expect(() => new ViewersApi({ clock: "yesterday" })).toThrow(
    'clock has value "yesterday": not an instant such as 2026-11-28T12:00:00Z');
});
