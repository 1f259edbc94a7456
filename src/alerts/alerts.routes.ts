import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ADMINS, principalOf } from "../access/auth.plugin.js";
import type { Role } from "../access/principal.js";
import type { AcknowledgementsService } from "../acknowledgements/acknowledgements.service.js";
import type { LocalDate } from "../domain/local-date.js";
import { pageOut, pageQuery, readIdPage } from "../http/paging.js";
import {
  bigintId,
  code,
  errorResponses,
  idOut,
  queryDate,
  queryPlanYear,
  searchText,
  text,
} from "../http/schemas.js";
import type { AdminRecipients } from "./admin-recipients.js";
import type { AlertMetrics } from "./alert-metrics.js";
import type { AlertsService } from "./alerts.service.js";
import type { OutboxService } from "./outbox.service.js";

type Opts = {
  alerts: AlertsService;
  outbox: Pick<OutboxService, "resend">;
  admins: AdminRecipients;
  today: () => LocalDate;
  /** Adds each row's acknowledgement by its recipient (src/acknowledgements). */
  acknowledgements?: Pick<AcknowledgementsService, "attachTo">;
  /** Wakes the sender after a run queued messages, without making the caller wait for SMTP. */
  kickSender: () => void;
};

const OBSERVERS: readonly Role[] = ["admin", "viewer"];
const errors = errorResponses(400, 401, 403, 404, 409);
const bool = z.enum(["true", "false"]).transform((v) => v === "true");

const messageKind = z
  .enum(["unit", "admin"])
  .describe('"unit": to a unit\'s head; "admin": to admins (escalations, digest)');
const runOut = z.object({
  asOf: z.string(),
  dryRun: z.boolean(),
  ran: z.boolean().describe("false when another instance was already running an evaluation"),
  planYears: z.array(z.number()).describe("the plans evaluated: this year's and last year's"),
  queued: z.number().describe("alerts queued for sending (dry run: that would be)"),
  skipped: z.number().describe("alerts recorded as skipped (no recipient, too late, …)"),
  messages: z.array(
    z.object({
      kind: messageKind,
      to: z.string(),
      items: z.number().describe("alerts the message carries"),
      subject: z.string(),
    }),
  ),
});
const alertOut = z.object({
  id: idOut,
  planYear: z.number(),
  milestoneId: z.string(),
  unitCode: z.string().describe('"*" for alerts about no single unit (the weekly digest)'),
  program: z.string(),
  stage: z.string(),
  recipient: z.string(),
  outcome: z.enum(["queued", "skipped"]),
  skipReason: z.string().nullable(),
  snapshot: z
    .unknown()
    .describe("the figures the alert was decided on, one snapshot per item (amounts as decimal strings)"),
  asOf: z.date(),
  messageId: idOut.nullable().describe("the outbox message carrying it; null when skipped"),
  createdAt: z.date(),
  message: z
    .object({
      id: idOut,
      status: z.enum(["pending", "sending", "sent", "retry", "dead"]),
      attempts: z.number(),
      lastError: z.string().nullable(),
      sentAt: z.date().nullable(),
      headerMessageId: z.string().describe("RFC 5322 Message-ID, the same on every resend"),
      subject: z.string(),
    })
    .nullable(),
  acknowledgement: z
    .object({
      at: z.date(),
      on: z.string(),
      plannedAction: z.string().nullable(),
      plannedOn: z.string().nullable(),
    })
    .nullable()
    .optional()
    .describe("the recipient's acknowledgement of the message; null: none yet"),
});

export const alertsRoutes: FastifyPluginAsyncZod<Opts> = async (app, o) => {
  app.post(
    "/alerts/run",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["alerts"],
        summary: "Run the alert evaluation for a date: what should have been sent by then and is not yet",
        querystring: z.strictObject({ asOf: queryDate.optional(), dryRun: bool.default(false) }),
        response: {
          200: runOut,
          ...errors,
        },
      },
    },
    async (req) => {
      const result = await o.alerts.runEvaluation({
        asOf: req.query.asOf ?? o.today(),
        dryRun: req.query.dryRun,
        trigger: "api",
      });
      if (!result.dryRun && result.messages.length > 0) o.kickSender();
      return result;
    },
  );

  app.get(
    "/alerts",
    {
      config: { roles: OBSERVERS },
      schema: {
        tags: ["alerts"],
        summary: "The alert ledger with each alert's message and delivery state",
        querystring: z.strictObject({
          unit: searchText(32).optional(),
          milestone: searchText(32).optional(),
          stage: searchText(40).optional(),
          status: z.enum(["pending", "sending", "sent", "retry", "dead", "skipped"]).optional(),
          planYear: queryPlanYear.optional(),
          ...pageQuery,
        }),
        response: {
          200: pageOut(alertOut),
          ...errors,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await readIdPage(q, (afterId, limit) =>
        o.alerts.list({
          unitCode: q.unit,
          milestoneId: q.milestone,
          stage: q.stage,
          status: q.status,
          planYear: q.planYear,
          afterId,
          limit,
        }),
      );
      return {
        items: o.acknowledgements ? await o.acknowledgements.attachTo(page.items) : page.items,
        nextCursor: page.nextCursor,
      };
    },
  );

  app.post(
    "/alerts/:id/resend",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["alerts"],
        summary:
          "Queue an alert's message again, with the same Message-ID; 409 (rule already_queued) while it is still queued",
        params: z.object({ id: bigintId("must be an alert id") }),
        response: { 202: z.object({ messageId: z.string(), status: z.literal("pending") }), ...errors },
      },
    },
    async (req, reply) => {
      const messageId = await o.outbox.resend(BigInt(req.params.id));
      o.kickSender();
      return reply.status(202).send({ messageId: String(messageId), status: "pending" as const });
    },
  );

  app.get(
    "/alerts/preview",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["alerts"],
        summary:
          "Render what a run on asOf would send (a unit's head's messages, or every recipient's), " +
          "without sending or recording it; messages the ledger already holds are marked inLedger",
        querystring: z.strictObject({ asOf: queryDate.optional(), unit: code.optional() }),
        response: {
          200: z.object({
            messages: z.array(
              z.object({
                to: z.string(),
                cc: z.array(z.string()),
                subject: z.string(),
                html: z.string(),
                text: z.string(),
                kind: messageKind,
                /** True: the ledger holds these alerts already, so a run would not send them again. */
                inLedger: z.boolean(),
                items: z.array(
                  z.object({
                    planYear: z.number(),
                    milestoneId: z.string(),
                    unitCode: z.string(),
                    program: z.string(),
                    stage: z.string(),
                  }),
                ),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => ({ messages: await o.alerts.preview(req.query.asOf ?? o.today(), req.query.unit) }),
  );

  const recipient = z.object({
    email: z.string(),
    name: z.string().nullable(),
    source: z.enum(["environment", "api"]),
  });
  app.get(
    "/alert-recipients",
    {
      config: { roles: ADMINS },
      schema: { tags: ["alerts"], response: { 200: z.array(recipient), ...errors } },
    },
    () => o.admins.list(),
  );
  app.post(
    "/alert-recipients",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["alerts"],
        summary: "Add an admin who receives escalations and digests",
        body: z.strictObject({ email: z.email(), name: text(200).optional() }),
        response: { 201: recipient, ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await o.admins.add(req.body.email, req.body.name, principalOf(req))),
  );
  app.delete(
    "/alert-recipients/:email",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["alerts"],
        params: z.object({ email: z.email() }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      await o.admins.remove(req.params.email);
      return reply.status(204).send(null);
    },
  );
};

/** GET /metrics at the root, where Prometheus looks; admins and viewers only. */
export const metricsRoute: FastifyPluginAsyncZod<{ metrics: AlertMetrics }> = async (app, { metrics }) => {
  app.get(
    "/metrics",
    { config: { roles: OBSERVERS }, schema: { tags: ["alerts"], summary: "Prometheus metrics" } },
    async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
};
