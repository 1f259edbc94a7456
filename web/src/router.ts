// History-API routing: the service answers index.html for every view path, the client draws it.
export type ViewContext = {
  params: string[];
  query: URLSearchParams;
  /** False once the user has moved on: a view drops what it fetched for an older page. */
  isCurrent: () => boolean;
  navigate: (url: string, opts?: { replace?: boolean }) => void;
  /** Changes query parameters of the current view (null removes one) and redraws it. */
  setQuery: (patch: Record<string, string | null>, opts?: { replace?: boolean; redraw?: boolean }) => void;
};

export type View = (root: HTMLElement, ctx: ViewContext) => Promise<void> | void;

export type Route = { pattern: RegExp; view: View; title: string; public?: boolean };

export function createRouter(routes: Route[], draw: (route: Route | null, ctx: ViewContext) => void) {
  let generation = 0;

  function navigate(url: string, opts: { replace?: boolean } = {}) {
    if (opts.replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
    render();
  }

  function setQuery(
    patch: Record<string, string | null>,
    opts: { replace?: boolean; redraw?: boolean } = {},
  ) {
    const q = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === "") q.delete(k);
      else q.set(k, v);
    }
    const qs = q.toString();
    const url = `${location.pathname}${qs ? `?${qs}` : ""}`;
    if (opts.redraw === false) history.replaceState(null, "", url);
    else navigate(url, opts);
  }

  function render() {
    const gen = ++generation;
    const path = location.pathname.replace(/\/+$/, "") || "/";
    let params: string[] = [];
    const route =
      routes.find((r) => {
        const m = r.pattern.exec(path);
        if (m) params = m.slice(1).map(decodeURIComponent);
        return Boolean(m);
      }) ?? null;
    draw(route, {
      params,
      query: new URLSearchParams(location.search),
      isCurrent: () => gen === generation,
      navigate,
      setQuery,
    });
  }

  window.addEventListener("popstate", render);
  // Same-origin links move within the app without reloading it.
  document.addEventListener("click", (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey)
      return;
    const a = (ev.target as Element | null)?.closest?.("a");
    if (!a || a.target || a.hasAttribute("download")) return;
    const href = a.getAttribute("href");
    if (
      !href?.startsWith("/") ||
      href.startsWith("//") ||
      href.startsWith("/api/") ||
      href.startsWith("/docs")
    )
      return;
    ev.preventDefault();
    navigate(href);
  });

  return { render, navigate };
}
