// buildApp(container): the HTTP face of the services. Plugins first, then routes, then errors.

import type { FastifyBaseLogger } from "fastify";
import Fastify from "fastify";
import { validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { apiKeysRoutes } from "./access/api-keys.routes.js";
import { authPlugin } from "./access/auth.plugin.js";
import { acknowledgementsRoutes } from "./acknowledgements/acknowledgements.routes.js";
import { alertsRoutes, metricsRoute } from "./alerts/alerts.routes.js";
import { auditRoutes } from "./audit/audit.routes.js";
import { calendarRoutes } from "./calendar/calendar.routes.js";
import { catalogRoutes } from "./catalog/catalog.routes.js";
import { closingsRoutes } from "./closings/closings.routes.js";
import type { Container } from "./container.js";
import { dashboardRoutes } from "./dashboard/dashboard.routes.js";
import { webPlugin } from "./dashboard/web.plugin.js";
import { dutiesRoutes } from "./duties/duties.routes.js";
import { calendarFeedRoutes, calendarFeedsRoutes } from "./feeds/calendar-feeds.routes.js";
import { registerErrorHandler, sendFrameworkError } from "./http/error-handler.js";
import { healthRoutes } from "./http/health.routes.js";
import { stringifyJson } from "./http/json.js";
import { registerOpenApi } from "./http/openapi.js";
import { registerProtection } from "./http/protection.js";
import { ledgerRoutes } from "./ledger/ledger.routes.js";
import { plansRoutes } from "./plans/plans.routes.js";
import { reallocationRoutes } from "./reallocation/reallocation.routes.js";
import { rulesRoutes } from "./rules/rules.routes.js";
import { spreadsheetsRoutes } from "./spreadsheets/spreadsheets.routes.js";
import { treasuryRoutes } from "./treasury/treasury.routes.js";
import { yearEndRoutes } from "./year-end/year-end.routes.js";

export type AppOptions = {
  logger?: FastifyBaseLogger;
  bodyLimit?: number;
  /** Sees every route as it is added (method, url, roles): the access test walks them all. */
  onRoute?: (r: { method: string; url: string; roles?: readonly string[] | undefined }) => void;
  /** Writes (POST, PUT, DELETE) each API key may make per minute. */
  writesPerMinute?: number;
  /** Plain reads each key may make per minute. */
  readsPerMinute?: number;
  /** Province-wide evaluations and exports each key may read per minute. */
  evaluationsPerMinute?: number;
  /** Wakes the outbox sender after an API call queued messages (the schedule's, in the service). */
  kickSender?: () => void;
  /** Folder of the built dashboard; dist/web by default. */
  webRoot?: string;
};

/** Safe to echo anywhere: no spaces, quotes, control characters or markup, and short. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function requestIdOf(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && SAFE_REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

export async function buildApp(c: Container, opts: AppOptions = {}) {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    bodyLimit: opts.bodyLimit ?? 5 * 1024 * 1024,
    // The client's X-Request-ID is taken only when it is short and of a safe alphabet (it goes
    // into our headers, bodies and logs); anything else gets an id of ours.
    requestIdHeader: false,
    genReqId: requestIdOf,
    // Unknown query keys are rejected by strict schemas; never coerce arrays silently.
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: sendFrameworkError,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // Validate the shape on the way out as the zod provider does, but write BigInt exactly.
  app.setSerializerCompiler(({ schema }) => {
    const zodSchema = schema as {
      safeEncode?: (d: unknown) => { success: boolean; data?: unknown; error?: unknown };
    };
    return (data) => {
      if (!zodSchema.safeEncode) return stringifyJson(data);
      const r = zodSchema.safeEncode(data);
      if (!r.success) throw new Error(`response does not match its schema: ${String(r.error)}`);
      return stringifyJson(r.data);
    };
  });
  app.addHook("onSend", async (request, reply, payload) => {
    reply.header("x-request-id", request.id);
    return payload;
  });
  if (opts.onRoute) {
    const report = opts.onRoute;
    app.addHook("onRoute", (r) => {
      for (const method of [r.method].flat()) {
        if (method !== "HEAD")
          report({
            method,
            url: r.url,
            roles: (r.config as { roles?: readonly string[] } | undefined)?.roles,
          });
      }
    });
  }
  registerErrorHandler(app);
  await registerProtection(app, {
    writesPerMinute: opts.writesPerMinute ?? 100_000,
    readsPerMinute: opts.readsPerMinute ?? 100_000,
    evaluationsPerMinute: opts.evaluationsPerMinute ?? 100_000,
  });
  await registerOpenApi(app);
  await app.register(authPlugin, { apiKeys: c.apiKeys });
  await app.register(healthRoutes, { db: c.db });
  await app.register(metricsRoute, { metrics: c.metrics });
  await app.register(
    async (api) => {
      await api.register(catalogRoutes, { catalog: c.catalog });
      await api.register(ledgerRoutes, { ledger: c.ledger, maxBatchSize: c.maxBatchSize, today: c.today });
      await api.register(apiKeysRoutes, { apiKeys: c.apiKeys });
      await api.register(plansRoutes, { plans: c.plans });
      await api.register(closingsRoutes, { closings: c.closings });
      await api.register(dutiesRoutes, { duties: c.duties, today: c.today });
      await api.register(calendarRoutes, { calendar: c.calendar });
      await api.register(rulesRoutes, { rules: c.rules, today: c.today });
      await api.register(spreadsheetsRoutes, {
        imports: c.spreadsheetImports,
        exporter: c.spreadsheetExports,
        today: c.today,
      });
      await api.register(treasuryRoutes, { treasury: c.treasury });
      await api.register(reallocationRoutes, { reallocation: c.reallocation });
      await api.register(yearEndRoutes, { yearEnd: c.yearEnd });
      await api.register(auditRoutes, { audit: c.audit });
      await api.register(alertsRoutes, {
        alerts: c.alerts,
        outbox: c.outbox,
        admins: c.admins,
        today: c.today,
        acknowledgements: c.acknowledgements,
        kickSender: opts.kickSender ?? (() => void c.sender.drain().catch(() => {})),
      });
      await api.register(dashboardRoutes, { dashboard: c.dashboard, today: c.today });
      await api.register(calendarFeedsRoutes, { feeds: c.calendarFeeds });
    },
    { prefix: "/api/v1" },
  );
  // Public: the token in the path is the credential (calendar clients send no API key).
  await app.register(calendarFeedRoutes, { feeds: c.calendarFeeds });
  // Public: the signed token in the path is the only credential, for one message.
  await app.register(acknowledgementsRoutes, { acknowledgements: c.acknowledgements });
  await app.register(webPlugin, { root: opts.webRoot });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
