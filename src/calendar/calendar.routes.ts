import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ADMINS, principalOf, READERS } from "../access/auth.plugin.js";
import { errorResponses, localDate, queryPlanYear, text } from "../http/schemas.js";
import type { CalendarService } from "./calendar.service.js";

const namedDay = z.strictObject({ date: localDate, name: text(200) });
const dayOut = z.object({ date: z.string(), name: z.string() });

const yearOut = z.object({
  year: z.number(),
  source: z
    .object({
      document: z.string(),
      url: z.string().nullable(),
      updatedBy: z.string(),
      updatedAt: z.date(),
    })
    .nullable()
    .describe(
      "the document announcing the year's days off; null when none was entered (weekends and holidays only)",
    ),
  holidays: z.array(dayOut.extend({ source: z.literal("law") })).describe("public holidays of the law"),
  daysOff: z.array(dayOut).describe("days off announced for the year, besides weekends and holidays"),
  workingDays: z.array(dayOut).describe("weekend days worked in exchange for a day off"),
  nonWorkingDays: z
    .array(z.object({ date: z.string(), reason: z.string() }))
    .optional()
    .describe("with ?nonWorkingDays=true: every non-working day of the year and why"),
});
const errors = errorResponses(400, 401, 403, 404, 409);

export const calendarRoutes: FastifyPluginAsyncZod<{ calendar: CalendarService }> = async (
  app,
  { calendar },
) => {
  app.get(
    "/calendar/:year",
    {
      config: { roles: READERS },
      schema: {
        tags: ["calendar"],
        summary:
          "A year's non-working days: the law's holidays, and the days off and swapped working days announced",
        params: z.object({ year: queryPlanYear }),
        querystring: z.strictObject({ nonWorkingDays: z.enum(["true", "false"]).optional() }),
        response: { 200: yearOut, ...errors },
      },
    },
    (req) => calendar.getYear(req.params.year, { nonWorkingDays: req.query.nonWorkingDays === "true" }),
  );

  app.put(
    "/calendar/:year",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["calendar"],
        summary:
          "Replace a year's announced days off and swapped working days, with the document announcing them",
        params: z.object({ year: queryPlanYear }),
        body: z.strictObject({
          daysOff: z.array(namedDay).max(366),
          workingDays: z.array(namedDay).max(366).describe("Saturdays or Sundays worked in exchange"),
          sourceDocument: text(500).describe("the act announcing the days (công văn, thông báo)"),
          sourceUrl: z
            .url({ protocol: /^https?$/ })
            .max(2000)
            .optional(),
          restatesPast: z
            .boolean()
            .optional()
            .describe("required to change days before today: a restatement, recorded in the audit trail"),
        }),
        response: { 200: yearOut, ...errors },
      },
    },
    (req) => calendar.putYear(req.params.year, req.body, principalOf(req)),
  );
};
