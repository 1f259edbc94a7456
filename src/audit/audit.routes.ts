import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ADMINS } from "../access/auth.plugin.js";
import { pageOut, pageQuery, readIdPage } from "../http/paging.js";
import { errorResponses, idOut, searchText } from "../http/schemas.js";
import type { AuditRepository } from "./audit.repository.js";

export const auditEventOut = z.object({
  id: idOut,
  entity: z.string(),
  entityId: z.string(),
  action: z.string(),
  actor: z.string().describe('who did it ("admin:<keyId>", "officer:<keyId>", "system")'),
  at: z.date(),
  document: z.string().nullable().describe("the document behind the change"),
  // Written as stored: every writer records an object, but the column is any JSON.
  details: z.unknown().meta({
    type: "object",
    description: "what the change recorded, field by field; the fields depend on the entity and action",
  }),
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
          ...pageQuery,
        }),
        response: {
          200: pageOut(auditEventOut),
          ...errorResponses(401, 403),
        },
      },
    },
    (req) =>
      readIdPage(req.query, (afterId, limit) =>
        audit.list({ entity: req.query.entity, entityId: req.query.id, limit, afterId }),
      ),
  );
};
