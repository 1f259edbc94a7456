// The dashboard's entry: layout, routes, and what happens when a call fails.
import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { ApiError } from "./api";
import { clearKey, getKey } from "./auth";
import { errorBox } from "./components";
import { h } from "./dom";
import { createRouter, type Route, type ViewContext } from "./router";
import { atRiskView } from "./views/at-risk";
import { overviewView } from "./views/overview";
import { signInView } from "./views/sign-in";
import { unitView } from "./views/unit/index";

const APP_NAME = "Giám sát giải ngân vốn MTQG";
const app = document.getElementById("app")!;

const routes: Route[] = [
  { pattern: /^\/sign-in$/, view: signInView, title: "Đăng nhập", public: true },
  { pattern: /^\/$/, view: overviewView, title: "Tổng quan" },
  { pattern: /^\/at-risk$/, view: atRiskView, title: "Đơn vị có nguy cơ" },
  { pattern: /^\/units\/([^/]+)$/, view: unitView, title: "Đơn vị" },
];

/** The nav keeps the date and plan year the user chose. */
function carried(query: URLSearchParams, path: string): string {
  const q = new URLSearchParams();
  for (const k of ["asOf", "planYear"]) {
    const v = query.get(k);
    if (v) q.set(k, v);
  }
  const qs = q.toString();
  return `${path}${qs ? `?${qs}` : ""}`;
}

function header(ctx: ViewContext, path: string): HTMLElement {
  const link = (href: string, label: string, active: boolean) =>
    h(
      "a",
      { href: carried(ctx.query, href), class: "nav-link", "aria-current": active ? "page" : null },
      label,
    );
  return h(
    "header",
    { class: "site-header" },
    h(
      "div",
      { class: "site-header-inner" },
      h("a", { class: "brand", href: carried(ctx.query, "/") }, APP_NAME),
      h(
        "nav",
        { "aria-label": "Chính" },
        link("/", "Tổng quan", path === "/"),
        link("/at-risk", "Có nguy cơ", path === "/at-risk"),
      ),
      h(
        "button",
        {
          type: "button",
          class: "button button-quiet sign-out",
          onclick: () => {
            clearKey();
            ctx.navigate("/sign-in?reason=signed_out");
          },
        },
        "Đăng xuất",
      ),
    ),
  );
}

function draw(route: Route | null, ctx: ViewContext) {
  const path = location.pathname.replace(/\/+$/, "") || "/";
  if (route && !route.public && !getKey()) {
    ctx.navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, {
      replace: true,
    });
    return;
  }
  document.title = `${route?.title ?? "Không tìm thấy"} · ${APP_NAME}`;
  const main = h("main", { id: "main", class: "page", tabindex: -1 });
  app.replaceChildren(...(route?.public ? [] : [header(ctx, path)]), main);
  if (!route) {
    main.replaceChildren(
      h("h1", null, "Không có trang này"),
      h("p", null, h("a", { href: "/" }, "Về trang tổng quan")),
    );
    return;
  }
  const run = async () => {
    try {
      await route.view(main, ctx);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      if (err instanceof ApiError && err.status === 401) {
        const next = encodeURIComponent(location.pathname + location.search);
        ctx.navigate(`/sign-in?reason=expired&next=${next}`, { replace: true });
        return;
      }
      const message = err instanceof ApiError ? err.message : "Đã xảy ra lỗi khi hiển thị trang.";
      if (!(err instanceof ApiError)) console.error(err);
      main.replaceChildren(errorBox(message, run));
    }
  };
  void run();
}

createRouter(routes, draw).render();
