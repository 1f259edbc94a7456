// Security headers and per-key request limits. Body size is bounded by Fastify's bodyLimit.
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import helmet from "helmet";

export type ProtectionOptions = {
  writesPerMinute: number;
  /** Plain reads: one unit, one list page, a template. */
  readsPerMinute: number;
  /** Reads that evaluate the whole province (routes marked `rateClass: "evaluation"`) and exports. */
  evaluationsPerMinute: number;
};

declare module "fastify" {
  interface FastifyContextConfig {
    /** A read that scans the whole ledger: counted against the tighter evaluation limit. */
    rateClass?: "evaluation";
  }
}

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// Probes must answer whatever a client does: they are never limited.
const PROBES = new Set(["/healthz", "/readyz", "/metrics"]);

type RateClass = "write" | "read" | "evaluation";

function rateClassOf(req: FastifyRequest): RateClass {
  if (!READ_METHODS.has(req.method)) return "write";
  return req.routeOptions.config.rateClass ?? "read";
}

const NOUN: Record<RateClass, string> = {
  write: "writes",
  read: "reads",
  evaluation: "province-wide evaluations and exports",
};

/**
 * Limits belong to the principal: the id of the key authentication resolved (so any spelling of
 * `Authorization: Bearer` shares one bucket, and the key itself never sits in memory as a map
 * key), else the address. The limiter is a route-level onRequest hook, run after the auth
 * plugin's (src/access/auth.plugin.ts), which defers its 401/403 until this has counted.
 */
function limitKey(req: FastifyRequest): string {
  return req.keyId ? `key:${req.keyId}` : `ip:${req.ip}`;
}

export async function registerProtection(app: FastifyInstance, opts: ProtectionOptions): Promise<void> {
  // Built once: @fastify/helmet 13.2 builds helmet's middleware again for every request, parsing
  // the policy each time (4.7% of the service's CPU samples on a post refused before the database).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    // The API is called from the dashboard on the same origin only.
    crossOriginResourcePolicy: { policy: "same-origin" },
  });
  app.addHook("onRequest", (req, reply, done) =>
    securityHeaders(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)),
  );
  const perMinute: Record<RateClass, number> = {
    write: opts.writesPerMinute,
    read: opts.readsPerMinute,
    evaluation: opts.evaluationsPerMinute,
  };
  await app.register(rateLimit, {
    global: true,
    // Each class has its own bucket per principal: a burst of reads never spends the writes.
    max: (req) => perMinute[rateClassOf(req)],
    timeWindow: 60_000,
    keyGenerator: (req) => `${rateClassOf(req)}|${limitKey(req)}`,
    allowList: (req) => PROBES.has(req.routeOptions.url ?? ""),
    // Thrown to the error handler, which writes the usual body with this code.
    errorResponseBuilder: (req, ctx) => ({
      statusCode: 429,
      code: "rate_limited",
      message: `more than ${ctx.max} ${NOUN[rateClassOf(req)]} a minute with this key; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
    }),
  });
}
