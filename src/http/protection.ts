// Security headers and per-key write limits. Body size is bounded by Fastify's bodyLimit.
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";

export type ProtectionOptions = { writesPerMinute: number };

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

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
  await app.register(helmet, {
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
  await app.register(rateLimit, {
    global: true,
    max: opts.writesPerMinute,
    timeWindow: 60_000,
    keyGenerator: limitKey,
    // Reads are cheap and cached by nobody; the limit guards the ledger's writes.
    allowList: (req) => READ_METHODS.has(req.method),
    // Thrown to the error handler, which writes the usual body with this code.
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      code: "rate_limited",
      message: `more than ${ctx.max} writes a minute with this key; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
    }),
  });
}
