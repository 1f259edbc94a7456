// GET and POST /ack/:token: public, the signed token is the only authority. GET only shows the
// page (mail scanners open links, and HEAD runs the same handler), POST acknowledges. Forms get
// pages; JSON callers get the usual bodies.
import formbody from "@fastify/formbody";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { InvalidInputError } from "../domain/errors.js";
import { isTypedText } from "../domain/text.js";
import { queryDate } from "../http/schemas.js";
import { MAX_PLANNED_ACTION_CHARS, renderAckDone, renderAckError, renderAckPage } from "./ack-page.js";
import { MAX_ACK_TOKEN_CHARS } from "./ack-token.js";
import {
  AckLinkError,
  type AcknowledgementsService,
  acknowledgementOut,
} from "./acknowledgements.service.js";

// 1,000 Vietnamese characters percent-encoded take up to 9 bytes each.
const BODY_LIMIT = 16 * 1024;

/** The page allows nothing but its own inline styles and a form posting to itself. */
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STATUS_OF = { malformed: 400, forged: 403, expired: 410 } as const;

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? null : v);
const ackBody = z
  .strictObject({
    plannedAction: z.preprocess(
      blank,
      z
        .string()
        .transform((s) => s.normalize("NFC").trim())
        .pipe(
          z
            .string()
            .max(MAX_PLANNED_ACTION_CHARS, `must be at most ${MAX_PLANNED_ACTION_CHARS} characters`)
            .refine(isTypedText, {
              message: "must be text without control characters",
              params: { rule: "well_formed" },
            }),
        )
        .nullish(),
    ),
    plannedOn: z.preprocess(blank, queryDate.nullish()),
  })
  .optional()
  .describe("form fields (application/x-www-form-urlencoded) or JSON; both optional");

const ackOut = z.object({
  created: z.boolean().describe("false: acknowledged before; nothing was written"),
  acknowledgement: z.object({
    at: z.date(),
    on: z.string(),
    plannedAction: z.string().nullable(),
    plannedOn: z.string().nullable(),
  }),
});

const FIELD_LABELS: Record<string, string> = {
  plannedAction: "Kế hoạch khắc phục",
  plannedOn: "Ngày dự kiến hoàn thành",
};

/** The Vietnamese line the form shows for the first field that is wrong. */
function fieldError(field: string, rule: string): string {
  const label = FIELD_LABELS[field];
  if (!label) return "Biểu mẫu có trường không hợp lệ. Đề nghị ông/bà tải lại trang và gửi lại.";
  if (field === "plannedAction")
    return `${label}: nội dung không hợp lệ hoặc dài quá ${MAX_PLANNED_ACTION_CHARS} ký tự.`;
  if (rule === "not_before_today") return `${label}: không được trước ngày hôm nay.`;
  if (rule === "too_far_ahead") return `${label}: quá xa so với hôm nay (tối đa 2 năm).`;
  return `${label}: không phải ngày hợp lệ (ngày/tháng/năm).`;
}

/** The field and rule of a schema failure, as fastify-type-provider-zod hands it over. */
function firstIssue(err: { validation?: { instancePath: string; keyword: string; params: object }[] }) {
  const v = err.validation?.[0];
  if (!v) return { field: "", rule: "" };
  const field = v.instancePath.split("/")[1] ?? "";
  return { field: v.keyword === "unrecognized_keys" ? "" : field, rule: v.keyword };
}

const isJson = (req: FastifyRequest) =>
  /^application\/(.+\+)?json\b/i.test(req.headers["content-type"] ?? "");

function sendPage(reply: FastifyReply, status: number, html: string) {
  return reply
    .status(status)
    .header("content-security-policy", PAGE_CSP)
    .header("cache-control", "no-store")
    .header("x-robots-tag", "noindex")
    .type("text/html; charset=utf-8")
    .send(html);
}

/** A link that does not open: a page in Vietnamese, or the usual error body for JSON callers. */
function sendLinkError(req: FastifyRequest, reply: FastifyReply, err: AckLinkError) {
  const status = STATUS_OF[err.reason];
  if (!isJson(req)) return sendPage(reply, status, renderAckError(err.reason));
  return reply.status(status).send({
    error: err.reason === "expired" ? "expired" : err.reason === "forged" ? "forbidden" : "bad_request",
    message: err.message,
    issues: [],
    requestId: req.id,
  });
}

export const acknowledgementsRoutes: FastifyPluginAsyncZod<{
  acknowledgements: AcknowledgementsService;
}> = async (app, { acknowledgements }) => {
  // Only this plugin reads forms, and only small ones.
  await app.register(formbody, { bodyLimit: BODY_LIMIT });

  const params = z.object({
    token: z.string().describe(`the link's signed token (at most ${MAX_ACK_TOKEN_CHARS} characters)`),
  });

  app.get(
    "/ack/:token",
    {
      schema: {
        tags: ["acknowledgements"],
        summary: "The acknowledgement page of a unit head's message (HTML, Vietnamese); writes nothing",
        params,
      },
    },
    async (req, reply) => {
      try {
        return sendPage(reply, 200, renderAckPage(await acknowledgements.open(req.params.token)));
      } catch (err) {
        if (err instanceof AckLinkError) return sendLinkError(req, reply, err);
        throw err;
      }
    },
  );

  app.post(
    "/ack/:token",
    {
      bodyLimit: BODY_LIMIT,
      // A wrong field answers a form with the page and its message, not with a JSON body.
      attachValidation: true,
      schema: {
        tags: ["acknowledgements"],
        summary: "Acknowledge a unit head's message, once, with an optional planned action and date",
        params,
        body: ackBody,
        response: { 200: ackOut, 201: ackOut },
      },
    },
    async (req, reply) => {
      const token = req.params.token;
      const raw = (req.body ?? {}) as { plannedAction?: unknown; plannedOn?: unknown };
      const form = {
        plannedAction: typeof raw.plannedAction === "string" ? raw.plannedAction : "",
        plannedOn: typeof raw.plannedOn === "string" ? raw.plannedOn : "",
      };
      try {
        if (req.validationError) {
          // The link first: a bad form behind a bad link says only that the link is bad.
          const view = await acknowledgements.open(token);
          if (isJson(req)) throw req.validationError;
          const { field, rule } = firstIssue(req.validationError as never);
          return sendPage(reply, 400, renderAckPage(view, { ...form, error: fieldError(field, rule) }));
        }
        const body = req.body ?? {};
        const { view, created } = await acknowledgements.acknowledge(token, {
          plannedAction: body.plannedAction ?? null,
          plannedOn: body.plannedOn ?? null,
        });
        const status = created ? 201 : 200;
        if (isJson(req))
          return reply
            .status(status)
            .send({ created, acknowledgement: acknowledgementOut(view.acknowledgement!) });
        return sendPage(reply, status, renderAckDone(view, created));
      } catch (err) {
        if (err instanceof AckLinkError) return sendLinkError(req, reply, err);
        if (err instanceof InvalidInputError && !isJson(req)) {
          const issue = err.issues[0];
          const view = await acknowledgements.open(token);
          return sendPage(
            reply,
            400,
            renderAckPage(view, { ...form, error: fieldError(issue?.field ?? "", issue?.rule ?? "") }),
          );
        }
        throw err;
      }
    },
  );
};
