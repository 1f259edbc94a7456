// Treasury reconciliation over HTTP. The statement is the raw request body (an .xlsx or a CSV, as
// the spreadsheet imports take it: src/spreadsheets/spreadsheets.routes.ts), counted as it arrives
// and refused (413) past IMPORT_MAX_BYTES. Admins import and confirm; viewers read; officers
// have no access.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ADMINS, principalOf } from "../access/auth.plugin.js";
import type { Role } from "../access/principal.js";
import {
  amountOut,
  bigintId,
  capitalType,
  code,
  errorBody,
  errorResponses,
  idOut,
  localDate,
  planYear,
  queryDate,
  searchText,
  source,
  text,
} from "../http/schemas.js";
import { UPLOAD_TYPES } from "../spreadsheets/spreadsheets.routes.js";
import { acceptRawUploads } from "../spreadsheets/upload-body.js";
import { XLSX_TYPE } from "../spreadsheets/workbook.js";
import type { TreasuryService } from "./treasury.service.js";

const PROVINCE_READERS: readonly Role[] = ["admin", "viewer"];

const scope = {
  unitCode: z.string(),
  program: z.string(),
  planYear: z.number(),
  carriedOverFrom: z.number().nullable(),
  source,
  capitalType,
};
const statementOut = z.object({
  id: idOut,
  asOf: z.string(),
  documentRef: z.string(),
  fileName: z.string(),
  fileSha256: z.string(),
  importedBy: z.string().describe('the admin key that imported it ("admin:<keyId>")'),
  importedAt: z.date(),
  lineCount: z.number(),
});
const differenceOut = z.object({
  ...scope,
  asOf: z.string(),
  treasury: amountOut.describe("the Treasury's cumulative disbursed (0 where the statement lacks the scope)"),
  inStatement: z.boolean(),
  reported: amountOut.describe("the ledger's cumulative disbursed, net of corrections, up to asOf"),
  difference: amountOut.describe("treasury − reported"),
});
const comparisonOut = z.object({
  asOf: z.string(),
  scopes: z.number(),
  agreed: z.number(),
  differences: z.array(differenceOut),
});
const rowError = z.object({
  row: z.number().describe("the row number the spreadsheet shows"),
  column: z.string().nullable().describe("the column letter"),
  header: z.string().nullable().describe("the column's header as written in the file"),
  field: z.string().nullable(),
  rule: z.string(),
  message: z.string(),
});
const rejected = errorBody.extend({ format: z.enum(["xlsx", "csv"]).nullable(), errors: z.array(rowError) });
const confirmationOut = z.object({
  id: idOut,
  unitCode: z.string(),
  planYear: z.number(),
  confirmedUntil: z.string(),
  statementId: idOut,
  note: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.date(),
});
const errors = errorResponses(400, 401, 403, 404);
const idParam = bigintId("must be a statement id");
/** A statement id in a JSON body: as the API writes it (an integer), or as a string of digits. */
const statementIdIn = z
  .union([z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), idParam])
  .transform((v) => BigInt(v))
  .meta({ type: "integer", format: "int64" });

export const treasuryRoutes: FastifyPluginAsyncZod<{ treasury: TreasuryService }> = async (
  app,
  { treasury },
) => {
  // Only within this plugin, as for the spreadsheet imports.
  acceptRawUploads(app, UPLOAD_TYPES, treasury.limits.maxBytes);

  app.post(
    "/treasury/statements",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["treasury"],
        summary:
          "Import a State Treasury disbursement statement (.xlsx or CSV as the raw body) and compare it with the ledger",
        description: [
          "One row per unit, program, plan year, source and capital type with the cumulative disbursed as of `asOf`; headers as a KBNN export writes them (Mã đơn vị, Mã chương trình, Năm kế hoạch, Vốn năm trước chuyển sang, Nguồn vốn, Loại vốn, Lũy kế giải ngân / Lũy kế thanh toán) or the English keys.",
          "Every row is checked (unknown unit or program, a scope listed twice, a negative or fractional amount, a missing column): any error answers 422 listing them, and nothing is written.",
          "The same file again answers 200 with the statement it made (`created: false`) and writes nothing; otherwise 201 with the statement and its differences from the ledger at asOf.",
          "The file is read under the import limits (IMPORT_MAX_*), each enforced while reading.",
        ].join("\n\n"),
        consumes: [XLSX_TYPE, "text/csv"],
        body: z
          .custom<Buffer>((b) => Buffer.isBuffer(b), "send the .xlsx or .csv file itself as the request body")
          .meta({ type: "string", format: "binary" }),
        querystring: z.strictObject({
          asOf: queryDate.describe("the date of the statement's cumulative figures"),
          documentRef: text(200).describe("the statement's reference (số hiệu bảng sao kê)"),
          fileName: text(255).optional(),
        }),
        response: {
          200: z.object({ created: z.literal(false), statement: statementOut }),
          201: z.object({ created: z.literal(true), statement: statementOut, comparison: comparisonOut }),
          ...errorResponses(409, 413, 415),
          422: rejected,
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const r = await treasury.importStatement(req.body, req.query, principalOf(req));
      if (r.kind === "existing") return reply.status(200).send({ created: false, statement: r.statement });
      return reply.status(201).send({ created: true, statement: r.statement, comparison: r.comparison });
    },
  );

  app.get(
    "/treasury/statements",
    {
      config: { roles: PROVINCE_READERS },
      schema: {
        tags: ["treasury"],
        summary: "The imported Treasury statements, latest date first",
        response: { 200: z.object({ items: z.array(statementOut) }), ...errors },
      },
    },
    async () => ({ items: await treasury.listStatements() }),
  );

  app.get(
    "/treasury/statements/:id",
    {
      config: { roles: PROVINCE_READERS },
      schema: {
        tags: ["treasury"],
        summary: "A Treasury statement with its lines, as imported",
        params: z.strictObject({ id: idParam }),
        response: {
          200: statementOut.extend({
            lines: z.array(z.object({ ...scope, lineNo: z.number(), disbursed: amountOut })),
          }),
          ...errors,
        },
      },
    },
    async (req) => treasury.statementWithLines(BigInt(req.params.id)),
  );

  app.get(
    "/treasury/statements/:id/differences",
    {
      config: { roles: PROVINCE_READERS },
      schema: {
        tags: ["treasury"],
        summary: "The statement against the ledger as it stands now, at the statement's date",
        params: z.strictObject({ id: idParam }),
        response: { 200: z.object({ statement: statementOut, comparison: comparisonOut }), ...errors },
      },
    },
    async (req) => treasury.differences(BigInt(req.params.id)),
  );

  app.get(
    "/treasury/statements/:id/compare/:otherId",
    {
      config: { roles: PROVINCE_READERS },
      schema: {
        tags: ["treasury"],
        summary:
          "Two statements scope by scope: the earlier's and the later's figures (null where one lacks the scope)",
        params: z.strictObject({ id: idParam, otherId: idParam }),
        response: {
          200: z.object({
            earlier: statementOut,
            later: statementOut,
            scopes: z.array(
              z.object({
                ...scope,
                earlier: amountOut.nullable(),
                later: amountOut.nullable(),
                change: amountOut.describe("later − earlier (a missing figure counts 0)"),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => treasury.compareStatements(BigInt(req.params.id), BigInt(req.params.otherId)),
  );

  app.post(
    "/treasury/confirmations",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["treasury"],
        summary: "Mark a unit's figures of a plan year confirmed by the Treasury up to a date",
        description:
          "confirmedUntil must be on or before the statement's date, and the statement's lines of the unit and plan year must agree with the ledger at that date: otherwise 409 listing each difference. The same confirmation again answers 200 and writes nothing.",
        body: z.strictObject({
          unit: code,
          planYear,
          confirmedUntil: localDate,
          statementId: statementIdIn,
          note: text(1000).optional(),
        }),
        response: {
          200: z.object({ created: z.literal(false), confirmation: confirmationOut }),
          201: z.object({ created: z.literal(true), confirmation: confirmationOut }),
          ...errorResponses(409, 422),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const r = await treasury.confirm(req.body, principalOf(req));
      return r.created
        ? reply.status(201).send({ created: true, confirmation: r.confirmation })
        : reply.status(200).send({ created: false, confirmation: r.confirmation });
    },
  );

  app.get(
    "/treasury/confirmations",
    {
      config: { roles: PROVINCE_READERS },
      schema: {
        tags: ["treasury"],
        summary: "Confirmations by the Treasury, of one unit or all",
        querystring: z.strictObject({ unit: searchText(32).optional() }),
        response: { 200: z.object({ items: z.array(confirmationOut) }), ...errors },
      },
    },
    async (req) => ({ items: await treasury.listConfirmations(req.query.unit) }),
  );
};
