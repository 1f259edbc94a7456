import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Database } from "../db/database.js";

export const healthRoutes: FastifyPluginAsyncZod<{ db: Database }> = async (app, { db }) => {
  app.get(
    "/healthz",
    { schema: { tags: ["health"], response: { 200: z.object({ status: z.literal("ok") }) } } },
    () => ({
      status: "ok" as const,
    }),
  );
  app.get(
    "/readyz",
    {
      schema: {
        tags: ["health"],
        response: {
          200: z.object({ status: z.literal("ready"), database: z.string() }),
          503: z.object({ status: z.string(), database: z.string() }),
        },
      },
    },
    async (_req, reply) => {
      try {
        await db.ping();
        return { status: "ready" as const, database: db.kind };
      } catch {
        return reply.status(503).send({ status: "unavailable", database: db.kind });
      }
    },
  );
};
