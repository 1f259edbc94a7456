// Serves the built dashboard (dist/web, made by `npm run build:web`) at the root. The files are
// public: they hold no data, and every data call they make needs an API key. Paths that are not
// files fall back to index.html (the front end routes them), except under /api and /docs.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";
import fp from "fastify-plugin";

export const DEFAULT_WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/web");

const NOT_A_VIEW = /^\/(api|docs)(\/|$)/;
const HAS_EXTENSION = /\/[^/]*\.[A-Za-z0-9]+$/;

const MISSING_BUILD_PAGE = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Giám sát giải ngân: chưa có giao diện</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2937}code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}</style>
</head><body>
<h1>Chưa dựng giao diện bảng điều khiển</h1>
<p>Dịch vụ đang chạy, nhưng không tìm thấy các tệp giao diện đã dựng (<code>dist/web</code>).</p>
<p>Trong thư mục dự án, chạy <code>npm run build:web</code> (hoặc <code>npm install</code>, lệnh này cũng dựng giao diện), rồi khởi động lại dịch vụ.</p>
<p>API vẫn hoạt động tại <code>/api/v1</code>; tài liệu API ở <a href="/docs">/docs</a>.</p>
</body></html>
`;

export type WebOptions = { root?: string | undefined };

export const webPlugin = fp(
  async (app: FastifyInstance, opts: WebOptions) => {
    const root = path.resolve(opts.root ?? DEFAULT_WEB_ROOT);
    const built = existsSync(path.join(root, "index.html"));

    if (!built) {
      app.log.warn(
        { root },
        "the dashboard is not built: run `npm run build:web` (or `npm install`); serving a notice at /",
      );
      app.get("/*", { schema: { hide: true } }, (req, reply) => {
        if (NOT_A_VIEW.test(req.url.split("?")[0] ?? "/")) return reply.callNotFound();
        return reply
          .status(503)
          .header("cache-control", "no-store")
          .type("text/html; charset=utf-8")
          .send(MISSING_BUILD_PAGE);
      });
      return;
    }

    // Hashed bundles: a new build has new names, so they never change under a name.
    await app.register(fastifyStatic, {
      root: path.join(root, "assets"),
      prefix: "/assets/",
      index: false,
      immutable: true,
      maxAge: "365d",
    });

    // Files at the top of the build (favicon): small, unhashed, cached briefly.
    const topFiles = new Set(
      readdirSync(root, { withFileTypes: true })
        .filter((e) => e.isFile() && e.name !== "index.html")
        .map((e) => e.name),
    );

    // Security headers (CSP and the rest) are the whole service's, set in src/http/protection.ts.
    const sendIndex = (reply: FastifyReply) =>
      reply.header("cache-control", "no-cache").sendFile("index.html", root, { cacheControl: false });

    app.get("/*", { schema: { hide: true } }, (req, reply) => {
      const pathname = req.url.split("?")[0] ?? "/";
      if (NOT_A_VIEW.test(pathname)) return reply.callNotFound();
      const name = pathname.slice(1);
      if (name === "index.html") return sendIndex(reply);
      if (topFiles.has(name)) return reply.sendFile(name, root, { maxAge: "1h", immutable: false });
      // A missing file is a 404, not the app: only extension-less paths are views.
      if (HAS_EXTENSION.test(pathname)) return reply.callNotFound();
      return sendIndex(reply);
    });
  },
  { name: "dashboard-web" },
);
