// Response schemas of the rules' answers, shared by /status, /at-risk, /reports/summary and the
// dashboard's views (one definition, one OpenAPI description).
import { z } from "zod";
import { amountOut } from "../http/schemas.js";

const status = z.enum(["not_applicable", "met", "on_track", "at_risk", "missed"]);

/** A closed milestone's row: the verdict recorded at closing beside today's reading. */
const closedMarks = {
  closed: z
    .boolean()
    .optional()
    .describe("the milestone is closed: its verdict was recorded as of its due date (rows read after it)"),
  recordedStatus: status.optional().describe("the verdict recorded at closing; `status` is today's reading"),
  restated: z
    .boolean()
    .optional()
    .describe("today's reading differs from the recorded one (a restatement or a restating amendment)"),
  recorded: z
    .object({
      status,
      allocated: amountOut,
      disbursed: amountOut,
      rate: z.number().nullable(),
      shortfall: amountOut,
    })
    .optional()
    .describe("restated rows: the figures recorded at closing"),
};

export const milestoneOut = z.object({
  id: z.string(),
  kind: z.enum(["rate", "refund", "request"]),
  program: z.string(),
  planYear: z.number(),
  dueOn: z.string(),
  status,
  allocated: amountOut,
  disbursed: amountOut,
  rate: z
    .number()
    .nullable()
    .describe(
      "percent with 2 decimals for display, rounded toward the status (up when met, down otherwise); the status is decided exactly",
    ),
  threshold: z.number(),
  comparison: z.enum(["gt", "gte"]),
  shortfall: amountOut.describe("the fewest whole đồng that, disbursed more, would meet the milestone"),
  daysLeft: z.number(),
  requiredDailyPace: amountOut.nullable(),
  projectedRate: z.number().nullable(),
  projectedDisbursed: amountOut.nullable(),
  requestSentOn: z
    .string()
    .nullable()
    .optional()
    .describe("request milestones: the date the unit's request was sent"),
  advisory: z
    .boolean()
    .optional()
    .describe("request milestones: only advised (met the first rate, at risk for the next)"),
  lapsed: amountOut
    .optional()
    .describe(
      "refund milestones, for a unit kind the refund does not concern (not_applicable): capital in its scope " +
        "left undisbursed and not carried forward; it lapses, it is not a refund owed",
    ),
  ...closedMarks,
});
export const atRiskItem = milestoneOut.extend({
  unitCode: z.string(),
  unitName: z.string(),
  unitKind: z.enum(["department", "district"]),
});
export const statusCounts = z.object({
  not_applicable: z.number(),
  met: z.number(),
  on_track: z.number(),
  at_risk: z.number(),
  missed: z.number(),
});
export const totals = { allocated: amountOut, disbursed: amountOut, rate: z.number().nullable() };

export const summaryOut = z.object({
  asOf: z.string(),
  planYear: z.number(),
  total: z.object(totals),
  byProgram: z.array(z.object({ program: z.string(), ...totals })),
  byUnitKind: z.array(z.object({ kind: z.string(), ...totals })),
  byMilestone: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      dueOn: z.string(),
      kind: z.enum(["rate", "refund", "request"]),
      threshold: z.number().nullable(),
      comparison: z.enum(["gt", "gte"]).nullable(),
      total: z.object(totals),
      counts: statusCounts,
      unitCounts: statusCounts,
      byProgram: z.array(z.object({ program: z.string(), ...totals, counts: statusCounts })),
      closing: z
        .object({
          closedAt: z.date(),
          closedBy: z.string(),
          document: z.string(),
          automatic: z.boolean(),
          recordedCounts: statusCounts.describe("pairs by the verdict recorded at closing"),
          restated: z.number().describe("pairs whose reading today differs from the recorded one"),
        })
        .optional()
        .describe("closed milestones read after their due date; `counts` stay by today's status"),
    }),
  ),
});
