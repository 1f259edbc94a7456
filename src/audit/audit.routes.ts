import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ADMINS } from "../access/auth.plugin.js";
import { cursorQuery, errorBody, searchText } from "../http/schemas.js";
import type { AuditRepository } from "./audit.repository.js";

const event = z.object({
  id: z.bigint(),
  entity: z.string(),
  entityId: z.string(),
  action: z.string(),
  actor: z.string(),
  at: z.date(),
  document: z.string().nullable(),
  details: z.unknown(),
});

export const auditRoutes: FastifyPluginAsyncZod<{ audit: AuditRepository }> = async (app, { audit }) => {
  app.get(
    "/audit",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["audit"],
        summary: "Who changed what and when, with the document behind it",
        querystring: z.strictObject({
          entity: z
            .enum([
              "reallocation_request",
              "carry_forward",
              "refund",
              "plan",
              "milestone",
              "allocation",
              "disbursement",
              "calendar_year",
            ])
            .optional(),
          id: searchText(40).optional(),
          ...cursorQuery,
        }),
        response: {
          200: z.object({ items: z.array(event), nextCursor: z.string().nullable() }),
          401: errorBody,
          403: errorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const items = await audit.list({
        entity: q.entity,
        entityId: q.id,
        limit: q.limit,
        afterId: q.cursor ? BigInt(q.cursor) : undefined,
      });
      return { items, nextCursor: items.length === q.limit ? String(items.at(-1)?.id) : null };
    },
  );
};
