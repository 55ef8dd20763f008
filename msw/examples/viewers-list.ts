// A small viewers list with search, in plain DOM: what a frontend's component does with the endpoint.
import type { paths } from "allmine-viewers-msw";

type Endpoint = paths["/api/v1/live-stream/{id}/viewers"]["get"];
type Page = Endpoint["responses"][200]["content"]["application/json"];
type Failure = Endpoint["responses"][401]["content"]["application/json"];

export interface ViewersListOptions {
  apiBase: string;
  streamId: string;
  token: string;
  limit?: number;
}

/** Renders the stream's viewers into `root`, with a search box; resolves once the first page is shown. */
export async function mountViewersList(root: HTMLElement, options: ViewersListOptions): Promise<void> {
  root.innerHTML = `<input type="search" aria-label="Search viewers">
    <p role="status"></p><ul aria-label="Viewers"></ul>`;
  const input = root.querySelector("input") as HTMLInputElement;
  const status = root.querySelector("[role=status]") as HTMLElement;
  const list = root.querySelector("ul") as HTMLUListElement;

  async function load(search: string): Promise<void> {
    const query = new URLSearchParams({ limit: String(options.limit ?? 20) });
    if (search) query.set("search", search);
    const response = await fetch(`${options.apiBase}/api/v1/live-stream/${options.streamId}/viewers?${query}`, {
      headers: { Authorization: `Bearer ${options.token}` },
    });
    if (!response.ok) {
      const failure = (await response.json()) as Failure;
      status.textContent = failure.errors.join(": ");
      list.replaceChildren();
      return;
    }
    const page = (await response.json()) as Page;
    status.textContent = `${page.data.pagination.totalItems} viewers`;
    list.replaceChildren(...page.data.list.map((viewer) => {
      const item = document.createElement("li");
      const photo = document.createElement("img");
      photo.alt = "";
      photo.src = viewer.profilePhoto?.variants["40"] ?? "";
      item.append(photo, `${viewer.name} ${viewer.surname}${viewer.isFollowing ? " (following)" : ""}`);
      return item;
    }));
  }

  input.addEventListener("input", () => {
    root.dataset.loading = "true";
    void load(input.value).finally(() => delete root.dataset.loading);
  });
  await load("");
}
