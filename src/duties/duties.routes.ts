// Duties and their submissions. A submission with a file is sent as the spreadsheets' uploads are
// (src/spreadsheets/spreadsheets.routes.ts): the file itself as the raw body, its fields in the
// query string, so one mechanism reads every upload, counted and limited as it arrives.
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, READERS, WRITERS } from "../access/auth.plugin.js";
import { dutyFromSchema } from "../domain/duties.js";
import { DomainError } from "../domain/errors.js";
import type { LocalDate } from "../domain/local-date.js";
import { legalBasisSchema } from "../domain/plan-fields.js";
import {
  bigintId,
  code,
  errorResponses,
  localDate,
  queryDate,
  queryPlanYear,
  searchText,
  storedJson,
  text,
} from "../http/schemas.js";
import { acceptRawUploads } from "../spreadsheets/upload-body.js";
import { asciiSlug, contentDisposition } from "../spreadsheets/workbook.js";
import type { DutiesService } from "./duties.service.js";
import {
  checkSubmissionFile,
  MAX_SUBMISSION_FILE_BYTES,
  SUBMISSION_FILE_CONTENT_TYPES,
  SubmissionFileTooLargeError,
} from "./submission-file.js";

type Opts = { duties: DutiesService; today: () => LocalDate };

const status = z.enum(["not_applicable", "met", "on_track", "at_risk", "missed"]);
const fileOut = z.object({ name: z.string(), type: z.string(), size: z.number(), sha256: z.string() });
const submissionOut = z.object({
  id: z.string(),
  unitCode: z.string(),
  documentNumber: z.string(),
  submittedOn: z.string(),
  note: z.string().nullable(),
  file: fileOut.nullable(),
  createdBy: z.string(),
  createdAt: z.date(),
  withdrawal: z
    .object({ id: z.string(), reason: z.string().nullable(), createdBy: z.string(), createdAt: z.date() })
    .nullable()
    .describe("set once withdrawn (as known on asOf): the submission no longer counts"),
});
const recorded = submissionOut.extend({ planYear: z.number(), dutyId: z.string() });
const verdict = {
  status,
  workingDaysLeft: z.number().describe("working days in (asOf, dueOn]; 0 on and after the due date"),
  metBy: z.string().nullable().describe("the submission on time that met it"),
  submissions: z.array(submissionOut),
};
// The duty as the plan states it (loose: a duty stored under an older plan reads back whole).
const dutyOut = z.looseObject({
  id: z.string(),
  title: z.string(),
  document: z.string(),
  from: storedJson(dutyFromSchema, "whom the duty asks: every unit, units of some kinds, or named units"),
  dueOn: z.string(),
  legalBasis: storedJson(legalBasisSchema, "the document that sets the duty"),
  dateChosen: z.string().optional().describe("why the due date is the one the plan states"),
  atRiskWithinWorkingDays: z
    .number()
    .optional()
    .describe("at risk from this many working days before the due date (absent: the default, 5)"),
});
const counts = z.object({
  not_applicable: z.number(),
  met: z.number(),
  on_track: z.number(),
  at_risk: z.number(),
  missed: z.number(),
});

const dutyParams = z.object({ planYear: queryPlanYear, dutyId: searchText(32) });
const submissionParams = dutyParams.extend({ id: bigintId("must be a submission id") });
const fields = {
  unit: code,
  documentNumber: text(100).describe("the number of the document sent (số văn bản)"),
  submittedOn: localDate.describe("the date the document was sent; not after today"),
  note: text(1000).optional(),
};
const errors = errorResponses(400, 401, 403, 404, 409, 422);

/** Issues of fields sent in the query string are named there, not in the body (the file). */
async function fieldsInQuery<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    for (const i of e.issues)
      if (i.field !== "" && !/^(params|query|headers)\./.test(i.field)) i.field = `query.${i.field}`;
    throw e;
  }
}

/**
 * Served as an attachment of the type its bytes were checked to be, never sniffed by a browser
 * into something it would run.
 */
function sendAttachment(reply: FastifyReply, f: { name: string; type: string; content: Buffer }) {
  return reply
    .header("content-type", f.type)
    .header(
      "content-disposition",
      contentDisposition({ filename: f.name, asciiFilename: asciiSlug(f.name) || "file" }),
    )
    .header("x-content-type-options", "nosniff")
    .header("cache-control", "private, no-store")
    .send(f.content);
}

export const dutiesRoutes: FastifyPluginAsyncZod<Opts> = async (app, { duties, today }) => {
  // Only within this plugin, as the spreadsheets' parser is in theirs.
  acceptRawUploads(
    app,
    SUBMISSION_FILE_CONTENT_TYPES,
    MAX_SUBMISSION_FILE_BYTES,
    (max) => new SubmissionFileTooLargeError(max),
  );

  app.post(
    "/duties/:planYear/:dutyId/submissions",
    {
      config: { roles: WRITERS },
      schema: {
        tags: ["duties"],
        summary:
          "Record a unit's submission of a duty's document (without a file; see …/submissions/with-file)",
        description:
          "Officers record for their own units, admins for any. The unit must be one the duty asks; submittedOn not after today. A duty is met by a submission dated on or before its due date.",
        params: dutyParams,
        body: z.strictObject(fields),
        response: { 201: recorded, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await duties.recordSubmission(req.params.planYear, req.params.dutyId, req.body, principalOf(req)),
        ),
  );

  app.post(
    "/duties/:planYear/:dutyId/submissions/with-file",
    {
      config: { roles: WRITERS },
      schema: {
        tags: ["duties"],
        summary:
          "Record a submission with its file: the file as the raw request body, the fields in the query string",
        description: [
          "e.g. `curl --data-binary @bao-cao.pdf -H 'Content-Type: application/pdf' '…/submissions/with-file?unit=TAM_KY&documentNumber=12%2FBC-UBND&submittedOn=2022-06-20&fileName=bao-cao.pdf'`.",
          `The file is kept in the database with its SHA-256. At most ${MAX_SUBMISSION_FILE_BYTES} bytes, counted while it arrives (413 past it, nothing written).`,
          "Its type is read from its bytes: PDF, DOCX, XLSX, DOC, XLS, PNG or JPEG; anything else, or a file whose name or Content-Type claims another type than its bytes, answers 415.",
        ].join("\n\n"),
        consumes: SUBMISSION_FILE_CONTENT_TYPES,
        params: dutyParams,
        querystring: z.strictObject({
          ...fields,
          fileName: text(255).describe("the file's name; its extension must match the content"),
        }),
        body: z
          .custom<Buffer>((b) => Buffer.isBuffer(b), "send the file itself as the request body")
          .meta({ type: "string", format: "binary" }),
        response: { 201: recorded, ...errorResponses(413, 415), ...errors },
      },
    },
    async (req, reply) => {
      const { fileName, ...input } = req.query;
      const saved = await fieldsInQuery(async () => {
        const file = checkSubmissionFile(req.body, {
          name: fileName,
          contentType: req.headers["content-type"],
        });
        return duties.recordSubmission(
          req.params.planYear,
          req.params.dutyId,
          { ...input, file },
          principalOf(req),
        );
      });
      return reply.status(201).send(saved);
    },
  );

  app.post(
    "/duties/:planYear/:dutyId/submissions/:id/withdraw",
    {
      config: { roles: WRITERS },
      schema: {
        tags: ["duties"],
        summary: "Withdraw a submission: a new row names it, and it no longer counts (it stays on record)",
        params: submissionParams,
        body: z.strictObject({ reason: text(1000) }),
        response: { 201: recorded, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await duties.withdrawSubmission(
            req.params.planYear,
            req.params.dutyId,
            BigInt(req.params.id),
            req.body.reason,
            principalOf(req),
          ),
        ),
  );

  app.get(
    "/duties/:planYear",
    {
      config: { roles: READERS },
      schema: {
        tags: ["duties"],
        summary:
          "Each duty of the plan year with each unit it asks: status as of asOf, working days left, submissions",
        description:
          "Officers see their own units only. Submissions count as known on asOf (recorded by then).",
        params: z.object({ planYear: queryPlanYear }),
        querystring: z.strictObject({ asOf: queryDate.optional() }),
        response: {
          200: z.object({
            planYear: z.number(),
            asOf: z.string(),
            duties: z.array(
              dutyOut.extend({
                counts,
                units: z.array(
                  z.object({ unitCode: z.string(), unitName: z.string(), kind: z.string(), ...verdict }),
                ),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    (req) => duties.planDuties(req.params.planYear, req.query.asOf ?? today(), principalOf(req)),
  );

  app.get(
    "/units/:code/duties",
    {
      config: { roles: READERS },
      schema: {
        tags: ["duties"],
        summary: "The duties that ask this unit, each with its status as of asOf",
        params: z.object({ code }),
        querystring: z.strictObject({ planYear: queryPlanYear.optional(), asOf: queryDate.optional() }),
        response: {
          200: z.object({
            unitCode: z.string(),
            planYear: z.number(),
            asOf: z.string(),
            duties: z.array(dutyOut.extend(verdict)),
          }),
          ...errors,
        },
      },
    },
    (req) => {
      const asOf = req.query.asOf ?? today();
      return duties.unitDuties(
        req.params.code,
        req.query.planYear ?? Number(asOf.slice(0, 4)),
        asOf,
        principalOf(req),
      );
    },
  );

  app.get(
    "/duties/:planYear/:dutyId/submissions/:id/file",
    {
      config: { roles: READERS },
      schema: {
        tags: ["duties"],
        summary: "The file of a submission, as stored, to save (never shown inline)",
        params: submissionParams,
        response: { 200: z.string().describe("the file's bytes"), ...errors },
      },
    },
    async (req, reply) =>
      sendAttachment(
        reply,
        await duties.submissionFile(
          req.params.planYear,
          req.params.dutyId,
          BigInt(req.params.id),
          principalOf(req),
        ),
      ),
  );
};
