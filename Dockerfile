# syntax=docker/dockerfile:1
# disbursement-monitor on Node 24 (active LTS): the service bundled by esbuild (`npm run build`),
# embedded PGlite in /data unless DATABASE_URL names a PostgreSQL server. Migrations run at start.

# ---- builder: all dependencies, the generated Prisma client, the build, then production deps only ----
FROM node:24-bookworm-slim AS builder
WORKDIR /app
# `prisma generate` never runs the schema engine but wants its path to name a file; pointing it
# at /bin/sh skips the native engine download. No Prisma telemetry from a build.
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/sh \
    CHECKPOINT_DISABLE=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY web ./web
# postinstall runs `prisma generate`, which writes the client to src/generated/prisma (and builds
# the dashboard, which `npm run build` below builds again). Installed before the sources are
# copied, so that a change to the code reuses this layer.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
# The service bundle (esbuild) into dist/server and the dashboard (Vite) into dist/web.
RUN npm run build
# Vite and the other build and test tools are dev dependencies, gone from here on (esbuild stays
# only as tsx's own dependency). `prisma` and `tsx` are production dependencies on purpose: the
# scripts (db:migrate, alerts, seed:demo) run TypeScript directly.
RUN npm prune --omit=dev --no-audit --no-fund

# ---- runtime ----
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    CHECKPOINT_DISABLE=1
WORKDIR /app
COPY --from=builder /app/package.json /app/package-lock.json /app/tsconfig.json ./
COPY --from=builder /app/node_modules ./node_modules
COPY --from=builder /app/prisma ./prisma
COPY --from=builder /app/src ./src
COPY --from=builder /app/scripts ./scripts
COPY --from=builder /app/dist/web ./dist/web
COPY --from=builder /app/dist/server ./dist/server
# The embedded database lives in /data; the volume keeps it across containers.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The command of package.json's `start` script, without npm in between (signals reach node).
CMD ["node", "--max-old-space-size=160", "--max-semi-space-size=4", "--heap-growing-percent=20", "dist/server/start.mjs"]
