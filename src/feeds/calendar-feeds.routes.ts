import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, WRITERS } from "../access/auth.plugin.js";
import { bigintId, code, errorResponses, text } from "../http/schemas.js";
import type { CalendarFeedsService } from "./calendar-feeds.service.js";

// Short: a client may show a revoked feed this long, and fresh figures wait no longer.
const CACHE_SECONDS = 300;

const feedOut = z.object({
  id: z.string(),
  unit: z.string().nullable().describe("null: the province's feed"),
  label: z.string(),
  createdBy: z.string(),
  createdAt: z.date(),
  revokedAt: z.date().nullable(),
});
const errors = errorResponses(400, 401, 403, 404, 422);
const out = (f: Awaited<ReturnType<CalendarFeedsService["list"]>>[number]) => ({ ...f, id: String(f.id) });

/** Management, under /api/v1 with an API key. */
export const calendarFeedsRoutes: FastifyPluginAsyncZod<{ feeds: CalendarFeedsService }> = async (
  app,
  { feeds },
) => {
  app.post(
    "/calendar-feeds",
    {
      config: { roles: WRITERS },
      schema: {
        tags: ["feeds"],
        summary:
          "Create an iCalendar feed of a unit's milestones (admins, or an officer of the unit) or, without a unit, of the province's (admins); the token and URL are in the answer once and never again",
        body: z.strictObject({ unit: code.optional(), label: text(200) }),
        response: {
          201: feedOut.extend({
            token: z.string(),
            url: z.string().describe("paste into Outlook or Thunderbird: no API key needed"),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const created = await feeds.create(req.body, principalOf(req));
      return reply.status(201).send({ ...created, id: String(created.id) });
    },
  );

  app.get(
    "/calendar-feeds",
    {
      config: { roles: WRITERS },
      schema: {
        tags: ["feeds"],
        summary: "Calendar feeds: every one for admins, their units' for officers; tokens are never shown",
        response: { 200: z.array(feedOut), ...errors },
      },
    },
    async (req) => (await feeds.list(principalOf(req))).map(out),
  );

  app.delete(
    "/calendar-feeds/:id",
    {
      config: { roles: WRITERS },
      schema: {
        tags: ["feeds"],
        summary: "Revoke a calendar feed: its URL answers 404 from now on, on every instance",
        params: z.object({ id: bigintId("must be a calendar feed id") }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      await feeds.revoke(BigInt(req.params.id), principalOf(req));
      return reply.status(204).send(null);
    },
  );
};

/** The feeds themselves: public, the token in the path is the only credential. */
export const calendarFeedRoutes: FastifyPluginAsyncZod<{ feeds: CalendarFeedsService }> = async (
  app,
  { feeds },
) => {
  app.get(
    "/feeds/:token.ics",
    {
      schema: {
        tags: ["feeds"],
        summary: "A calendar feed (text/calendar); unknown, malformed and revoked tokens answer 404",
        // Bounded before any work; the exact format is checked by the service, before the lookup.
        params: z.object({ token: z.string().max(64) }),
        response: {
          200: z.string().describe("an iCalendar document (RFC 5545), text/calendar; charset=utf-8"),
          ...errorResponses(400, 404),
        },
      },
    },
    async (req, reply) => {
      const feed = await feeds.render(req.params.token);
      return (
        reply
          .header("content-type", "text/calendar; charset=utf-8")
          // The token is a credential: only the client may keep the answer, and briefly.
          .header("cache-control", `private, max-age=${CACHE_SECONDS}`)
          .header("content-disposition", `attachment; filename="${feed.filename}"`)
          .header("referrer-policy", "no-referrer")
          .send(feed.ics)
      );
    },
  );
};
