// Spreadsheets in and out. Uploads are the raw file as the request body (no multipart), so
// `curl --data-binary @file.xlsx -H 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'`
// works; the bytes decide the format (an .xlsx is a zip archive), whatever the Content-Type. The
// upload is counted as it arrives and refused (413) past IMPORT_MAX_BYTES, whatever bodyLimit says.
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, READERS, WRITERS } from "../access/auth.plugin.js";
import type { Role } from "../access/principal.js";
import type { LocalDate } from "../domain/local-date.js";
import { amountOut, code, errorResponses, queryDate, queryPlanYear } from "../http/schemas.js";
import { IMPORT_KINDS } from "./columns.js";
import type { ExportsService } from "./exports.service.js";
import type { ImportsService } from "./imports.service.js";
import { importTemplate } from "./templates.js";
import { acceptRawUploads } from "./upload-body.js";
import { contentDisposition, type Download, XLSX_TYPE } from "./workbook.js";

type Opts = { imports: ImportsService; exporter: ExportsService; today: () => LocalDate };

const PROVINCE_READERS: readonly Role[] = ["admin", "viewer"];

/** Content types an upload may carry; the parser only collects the bytes, up to the limit. */
export const UPLOAD_TYPES = [
  XLSX_TYPE,
  "text/csv",
  "application/csv",
  "text/plain",
  // Browsers on Windows label .csv files so; some clients send anything as octet-stream.
  "application/vnd.ms-excel",
  "application/octet-stream",
];

const rowError = z.object({
  row: z.number().describe("the row number the spreadsheet shows"),
  column: z.string().nullable().describe("the column letter"),
  header: z.string().nullable().describe("the column's header as written in the file"),
  field: z.string().nullable(),
  rule: z.string(),
  message: z.string(),
});

const importReport = z.object({
  kind: z.enum(IMPORT_KINDS),
  format: z.enum(["xlsx", "csv"]).nullable(),
  dryRun: z.boolean(),
  valid: z.boolean(),
  written: z
    .number()
    .describe("ledger entries (or duty submissions) written (0 in a dry run or when nothing changed)"),
  totals: z.object({
    rows: z.number(),
    write: z.number(),
    unchanged: z.number(),
    error: z.number(),
    amount: amountOut.describe("sum of the amounts the rows write"),
  }),
  rows: z.array(
    z.object({
      row: z.number(),
      status: z.enum(["write", "unchanged", "error"]),
      dutyId: z.string().optional().describe("kind=duty-submissions: the duty the row records"),
      unitCode: z.string().optional(),
      program: z.string().optional(),
      planYear: z.number().optional(),
      carriedOverFrom: z.number().nullable().optional(),
      source: z.string().optional(),
      capitalType: z.string().optional(),
      amount: amountOut
        .optional()
        .describe("what the row writes: the allocation, or the difference disbursed"),
      date: z.string().optional().describe("the decision's, report's or submission's date"),
      reference: z.string().optional().describe("the decision, report or document number"),
      cumulative: amountOut.nullable().optional(),
      recorded: amountOut.nullable().optional().describe("disbursed in the scope up to the report's date"),
      entryId: amountOut.nullable().optional(),
    }),
  ),
  errors: z.array(rowError),
});
const rejected = importReport.extend({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), rule: z.string(), message: z.string() })),
  requestId: z.string(),
});

const errors = errorResponses(400, 401, 403, 404);
const file = z.string().describe("the file's bytes");

function sendFile(reply: FastifyReply, d: Download) {
  return reply
    .header("content-type", d.contentType)
    .header("content-disposition", contentDisposition(d))
    .header("cache-control", "no-store")
    .send(d.body);
}

const asOfQuery = {
  asOf: queryDate.optional(),
  planYear: queryPlanYear.optional(),
};

export const spreadsheetsRoutes: FastifyPluginAsyncZod<Opts> = async (app, { imports, exporter, today }) => {
  // Only within this plugin: other routes keep answering 415 to these types.
  acceptRawUploads(app, UPLOAD_TYPES, imports.limits.maxBytes);

  app.post(
    "/imports",
    {
      config: { roles: WRITERS },
      schema: {
        tags: ["spreadsheets"],
        summary:
          "Import allocations, a cumulative disbursement report or duty submissions from an .xlsx (first sheet) or CSV sent as the raw request body",
        description: [
          "Send the file itself as the body (no multipart), e.g. `curl --data-binary @report.xlsx -H 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'` or `-H 'Content-Type: text/csv'`; the format is read from the bytes.",
          "Headers may be the English keys or the Vietnamese headers of the templates (GET /imports/templates/{kind}.xlsx).",
          "kind=disbursements: each row's cumulative disbursed as of its date becomes an entry of the difference from what the ledger holds in that scope up to that date (none when equal, so a re-import writes nothing); a figure lower than recorded is refused (post a correction with `corrects` instead).",
          "kind=allocations: a decision already recorded in the scope with the same amount is skipped.",
          "kind=duty-submissions: each row records a document a unit sent for a duty of the plan (planYear, duty, unit, documentNumber, submittedOn, note; no files), checked as POST /duties/{planYear}/{dutyId}/submissions checks it (unknown_plan, unknown_duty, unknown_unit, not_asked, not_in_future); a row identical to a submission on record and not withdrawn (same planYear, duty, unit, documentNumber, submittedOn) is skipped, so a re-import writes nothing; a row repeating an earlier row of the file is an error (duplicate_row).",
          "Officers may import rows of their own units only; a row of another unit is a row error (not_your_unit).",
          "dryRun=true answers 200 with what each row would write, or 422 with the row errors; a real run writes every row or none: 201 (200 when nothing changed) or 422.",
          "The file is read under limits, each enforced while reading: a body over IMPORT_MAX_BYTES answers 413; more data rows than IMPORT_MAX_ROWS, a value past IMPORT_MAX_COLUMNS, a cell over IMPORT_MAX_CELL_CHARS, an .xlsx part inflating past IMPORT_MAX_PART_BYTES or IMPORT_MAX_INFLATE_RATIO times its compressed size (rules too_many_rows, too_many_columns, cell_too_long, part_too_large, compression_ratio, too_many_entries, too_much_text) answer 422 naming the limit.",
        ].join("\n\n"),
        consumes: [XLSX_TYPE, "text/csv"],
        body: z
          .custom<Buffer>((b) => Buffer.isBuffer(b), "send the .xlsx or .csv file itself as the request body")
          .meta({ type: "string", format: "binary" }),
        querystring: z.strictObject({
          kind: z.enum(IMPORT_KINDS),
          dryRun: z.enum(["true", "false"]).default("false"),
        }),
        response: {
          200: importReport,
          201: importReport,
          ...errorResponses(413, 415),
          422: rejected,
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const dryRun = req.query.dryRun === "true";
      // A file with row errors throws ImportRejectedError: the error handler answers 422.
      const r = await imports.run(req.query.kind, req.body, dryRun, principalOf(req));
      return reply.status(dryRun || r.written === 0 ? 200 : 201).send(r);
    },
  );

  for (const kind of IMPORT_KINDS)
    for (const format of ["xlsx", "csv"] as const)
      app.get(
        `/imports/templates/${kind}.${format}`,
        {
          config: { roles: READERS },
          schema: {
            tags: ["spreadsheets"],
            summary: `Template for kind=${kind} (${format}): Vietnamese headers, then the English keys, then one example row`,
            response: { 200: file, ...errors },
          },
        },
        async (_req, reply) => sendFile(reply, await importTemplate(kind, format)),
      );

  for (const format of ["xlsx", "csv"] as const) {
    app.get(
      `/exports/at-risk.${format}`,
      {
        config: { roles: PROVINCE_READERS, rateClass: "evaluation" },
        schema: {
          tags: ["spreadsheets"],
          summary:
            format === "xlsx"
              ? "The at-risk view as .xlsx: one sheet per program, Vietnamese headers, đồng formats"
              : "The at-risk view as one CSV (UTF-8 with BOM) with a program column",
          querystring: z.strictObject({
            ...asOfQuery,
            milestone: z.string().max(16).optional(),
            program: code.optional(),
            kind: z.enum(["department", "district"]).optional(),
          }),
          response: { 200: file, ...errors },
        },
      },
      async (req, reply) =>
        sendFile(
          reply,
          await exporter.atRisk(format, req.query.asOf ?? today(), req.query.planYear, {
            milestone: req.query.milestone,
            program: req.query.program,
            kind: req.query.kind,
          }),
        ),
    );
    app.get(
      `/exports/duties.${format}`,
      {
        config: { roles: PROVINCE_READERS, rateClass: "evaluation" },
        schema: {
          tags: ["spreadsheets"],
          summary:
            format === "xlsx"
              ? "Every (unit, duty) of the plan year as .xlsx: status, document number and date sent"
              : "Every (unit, duty) of the plan year as one CSV (UTF-8 with BOM)",
          querystring: z.strictObject({
            ...asOfQuery,
            kind: z.enum(["department", "district"]).optional(),
            status: z.enum(["not_applicable", "met", "on_track", "at_risk", "missed"]).optional(),
          }),
          response: { 200: file, ...errors },
        },
      },
      async (req, reply) =>
        sendFile(
          reply,
          await exporter.duties(format, req.query.asOf ?? today(), req.query.planYear, {
            kind: req.query.kind,
            status: req.query.status,
          }),
        ),
    );
    app.get(
      `/exports/summary.${format}`,
      {
        config: { roles: PROVINCE_READERS, rateClass: "evaluation" },
        schema: {
          tags: ["spreadsheets"],
          summary:
            format === "xlsx"
              ? "The province summary as .xlsx: sheets by program, unit kind, milestone and milestone × program"
              : "The province summary as one CSV (UTF-8 with BOM); a 'Bảng' column names the table of each row",
          querystring: z.strictObject(asOfQuery),
          response: { 200: file, ...errors },
        },
      },
      async (req, reply) =>
        sendFile(reply, await exporter.summary(format, req.query.asOf ?? today(), req.query.planYear)),
    );
  }
};
