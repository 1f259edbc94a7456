// Response schemas of the rules' answers, shared by /status, /at-risk, /reports/summary and the
// dashboard's views (one definition, one OpenAPI description), and the at-risk pager's query.
import { z } from "zod";
import { amountOut, code, idOut, queryInt } from "../http/schemas.js";
import { decodeAtRiskCursor, decodeDutyCursor } from "./at-risk-cursor.js";

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

const reading = {
  status,
  disbursed: amountOut,
  rate: z.number().nullable(),
  shortfall: amountOut,
};

/** Where a Treasury statement speaks for a row: both readings, and which one `status` uses. */
const readings = z
  .object({
    used: z
      .enum(["reported", "treasury"])
      .describe("the reading the row's status and figures are: the plan's verdictFigures decides"),
    reported: z.object(reading).describe("on the figures units reported"),
    treasury: z
      .object({
        ...reading,
        statementId: idOut,
        statementAsOf: z.string(),
        documentRef: z.string(),
      })
      .describe(
        "on the Treasury's figures: the latest statement dated on or before the milestone's cut-off, plus what units reported disbursed after its date",
      ),
  })
  .optional()
  .describe("present where a Treasury statement lists the unit at the milestone's cut-off");

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
  daysLeft: z.number().describe("calendar days in (asOf, dueOn]; 0 once due"),
  workingDaysLeft: z
    .number()
    // Present on every judged row; optional only while hand-built rows (src/alerts/policy.test.ts) lack it.
    .optional()
    .describe(
      "working days in (asOf, dueOn]: less weekends, public holidays and announced days off; 0 once due",
    ),
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
  readings,
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

/** One (duty, unit): a document a duty of the plan asks of the unit, judged on asOf. */
export const dutyOut = z.object({
  kind: z.literal("duty"),
  id: z.string(),
  title: z.string(),
  document: z.string().describe("what is due, in Vietnamese"),
  dueOn: z.string(),
  unitCode: z.string(),
  unitName: z.string(),
  unitKind: z.enum(["department", "district"]),
  status,
  workingDaysLeft: z.number().describe("working days in (asOf, dueOn]; 0 on and after the due date"),
  daysLeft: z.number().describe("calendar days in (asOf, dueOn]; 0 on and after the due date"),
  submission: z
    .object({ id: z.string(), documentNumber: z.string(), submittedOn: z.string() })
    .nullable()
    .describe("the latest submission that counts on asOf (on time or late, not withdrawn); null if none"),
});

/** The filters and the pager of the at-risk list, as /at-risk and the dashboard's twin read them. */
export const atRiskQuery = {
  milestone: z.string().max(16).optional(),
  program: code.optional(),
  kind: z.enum(["department", "district"]).optional(),
  limit: queryInt(1, 1000).default(100).describe("items per page"),
  // Checked whole here, before any work; one of another list is refused by the service.
  cursor: z
    .string()
    .refine((s) => decodeAtRiskCursor(s) !== undefined, {
      message: "must be the nextCursor of a previous page",
      params: { rule: "cursor" },
    })
    .optional()
    .describe("the nextCursor of the previous page, with the same asOf, planYear, filters and knownAt"),
  dutiesLimit: queryInt(1, 1000).default(100).describe("duties per page"),
  dutiesCursor: z
    .string()
    .refine((s) => decodeDutyCursor(s) !== undefined, {
      message: "must be the duties.nextCursor of a previous page",
      params: { rule: "cursor" },
    })
    .optional()
    .describe(
      "duties.nextCursor of the previous page: the next duties, with the same asOf, planYear, filters and knownAt",
    ),
};

export const atRiskTotals = z
  .object({
    count: z.number(),
    shortfall: amountOut.describe("the sum of every item's shortfall, whole đồng"),
    byStatus: statusCounts.describe(
      "items by today's status: at_risk and missed, and closed milestones recorded as missed but restated since",
    ),
  })
  .describe("the whole list's, on every page");

/**
 * A page of the at-risk list: largest shortfall first, then unit, program, due date, milestone;
 * the duties at risk or missed beside it, paged on their own.
 */
export const atRiskPage = {
  items: z.array(atRiskItem),
  totals: atRiskTotals,
  nextCursor: z.string().nullable().describe("opaque; null on the last page"),
  duties: z
    .object({
      items: z
        .array(dutyOut)
        .describe(
          "missed first, then at_risk; nearest due date, unit, duty. The first dutiesLimit on the first page (no cursor), the next ones after dutiesCursor; none on a next page of money items without dutiesCursor",
        ),
      totals: z.object({ at_risk: z.number(), missed: z.number() }).describe("on every page"),
      nextCursor: z.string().nullable().describe("opaque, for dutiesCursor; null when no more duties follow"),
    })
    .describe(
      "(duty, unit) at risk or missed: no shortfall to rank them among the money items, so listed beside them; none when a program is asked for",
    ),
};

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
  byDuty: z
    .array(
      z.object({
        id: z.string(),
        title: z.string(),
        document: z.string(),
        dueOn: z.string(),
        counts: statusCounts.describe("units the duty asks, by status"),
      }),
    )
    .describe("the plan's duties, in its order"),
});
