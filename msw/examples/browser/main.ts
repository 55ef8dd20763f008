// The README's setupWorker example (a browser, or Storybook's preview): the service worker answers fetch().
import { setupWorker } from "msw/browser";
import { DEVELOPMENT_SECRET, mintToken, STREAMS, viewersHandlers } from "allmine-viewers-msw";
import { mountViewersList } from "../viewers-list.js";

const worker = setupWorker(...viewersHandlers());
await worker.start({ onUnhandledRequest: "bypass", quiet: true });  // serves /mockServiceWorker.js (npx msw init)

const root = document.getElementById("app") as HTMLElement;
const token = await mintToken(DEVELOPMENT_SECRET, "64d15f9e2e6c8f4d5a000001");
await mountViewersList(root, { apiBase: location.origin, streamId: STREAMS.example as string, token, limit: 5 });
const photo = root.querySelector("img");
await photo?.decode();  // the data URL draws with no network
document.getElementById("result")!.textContent = JSON.stringify({
  status: root.querySelector("[role=status]")?.textContent,
  names: [...root.querySelectorAll("li")].map((item) => item.textContent),
  photoWidth: photo?.naturalWidth,
  controlled: navigator.serviceWorker.controller !== null,
});
