// The composition root: the one place where repositories and services are wired together.
import os from "node:os";
import { createApiKeysRepository } from "./access/api-keys.repository.js";
import { createApiKeysService } from "./access/api-keys.service.js";
import { createKeyRevocations, type RevocationLog } from "./access/key-revocations.js";
import { cachedAckSecret, loadAckSecret } from "./acknowledgements/ack-secret.js";
import { createAcknowledgementsRepository } from "./acknowledgements/acknowledgements.repository.js";
import { createAcknowledgementsService } from "./acknowledgements/acknowledgements.service.js";
import { createAdminRecipients } from "./alerts/admin-recipients.js";
import type { Mailer } from "./alerts/alert.types.js";
import { createAlertLedgerRepository } from "./alerts/alert-ledger.repository.js";
import { createAlertMetrics } from "./alerts/alert-metrics.js";
import { createAlertsService } from "./alerts/alerts.service.js";
import { createEvaluationRunsRepository } from "./alerts/evaluation-runs.repository.js";
import { createMailer, type MailLog } from "./alerts/mailer/index.js";
import { createOutboxRepository } from "./alerts/outbox.repository.js";
import { createOutboxService } from "./alerts/outbox.service.js";
import { createOutboxSender, type SenderLog, senderLogOf } from "./alerts/outbox-sender.js";
import { renderMessage } from "./alerts/templates/render.js";
import { createAuditRepository } from "./audit/audit.repository.js";
import { createCalendarRepository } from "./calendar/calendar.repository.js";
import { createCalendarService } from "./calendar/calendar.service.js";
import { createCatalogRepository } from "./catalog/catalog.repository.js";
import { createCatalogService } from "./catalog/catalog.service.js";
import { type Clock, systemClock, todayOn } from "./clock.js";
import { createClosingsRepository } from "./closings/closings.repository.js";
import { createClosingsService } from "./closings/closings.service.js";
import { type Config, DEFAULT_OUTBOX, type OutboxConfig } from "./config.js";
import { createDashboardRepository } from "./dashboard/dashboard.repository.js";
import { createDashboardService } from "./dashboard/dashboard.service.js";
import type { Database } from "./db/database.js";
import { type AlertPolicy, DEFAULT_ALERT_POLICY } from "./domain/alert-policy-settings.js";
import type { WorkingCalendar } from "./domain/working-days.js";
import { createDutiesRepository } from "./duties/duties.repository.js";
import { createDutiesService } from "./duties/duties.service.js";
import { createSubmissionImportService } from "./duties/submission-import.service.js";
import { createCalendarFeedsRepository } from "./feeds/calendar-feeds.repository.js";
import { createCalendarFeedsService } from "./feeds/calendar-feeds.service.js";
import { createLedgerRepository } from "./ledger/ledger.repository.js";
import { createLedgerService } from "./ledger/ledger.service.js";
import { createPlansRepository } from "./plans/plans.repository.js";
import { createPlansService } from "./plans/plans.service.js";
import { createReallocationRepository } from "./reallocation/reallocation.repository.js";
import { createReallocationService } from "./reallocation/reallocation.service.js";
import { createAnswerCache } from "./rules/answer-cache.js";
import { createEvaluationGate, DEFAULT_GATE, type GateOptions } from "./rules/evaluation-gate.js";
import { createFiguresReplica } from "./rules/figures-replica.js";
import { createRulesRepository } from "./rules/rules.repository.js";
import { createRulesService } from "./rules/rules.service.js";
import { createExportsService } from "./spreadsheets/exports.service.js";
import type { ImportLimits } from "./spreadsheets/import-limits.js";
import { createImportsRepository } from "./spreadsheets/imports.repository.js";
import { createImportsService } from "./spreadsheets/imports.service.js";
import { createTreasuryRepository } from "./treasury/treasury.repository.js";
import { createTreasuryService } from "./treasury/treasury.service.js";
import { createYearEndRepository } from "./year-end/year-end.repository.js";
import { createYearEndService } from "./year-end/year-end.service.js";

export { type Clock, systemClock } from "./clock.js";

export type ContainerOptions = {
  maxBatchSize: number;
  clock?: Clock;
  /**
   * Where messages go: SMTP or .eml files (src/alerts/mailer), or a test's own. Without one every
   * send fails, saying so: for containers that never send (scripts, tests of reads).
   */
  mailer?: Mailer;
  adminEmails?: string[];
  outbox?: Partial<OutboxConfig>;
  alertPolicy?: AlertPolicy;
  /** The working calendar the alerts keep; by default the calendar service's (src/calendar). */
  calendar?: () => Promise<WorkingCalendar>;
  /** Where the outbox sender logs each send outcome (sent, retry, dead with its reason). */
  senderLog?: SenderLog;
  /** Names this process in the evaluation runs it records. */
  instance?: string;
  /** Units an alert run decides at a time (src/alerts/run-chunks.ts); tests make it small. */
  alertChunkUnits?: number;
  /** What one spreadsheet import may hold; the defaults where left out. */
  importLimits?: Partial<ImportLimits>;
  /** How many national evaluations run at once and wait (src/rules/evaluation-gate.ts). */
  evaluations?: GateOptions;
  /**
   * On PostgreSQL shared by several instances: hear key revocations made anywhere (LISTEN on its
   * own connection to this URL). Without it the key cache is cleared only by this process's own
   * revocations, and a key revoked elsewhere answers here until its cached lookup expires.
   */
  revocations?: { databaseUrl: string; log?: RevocationLog };
  /** Where the service is reached from outside (feed and link URLs); http://127.0.0.1:3000 by default. */
  publicBaseUrl?: string;
  /** HMAC key of the acknowledgement links (ACK_SECRET); without it one is kept in the database. */
  ackSecret?: string;
  /** Days an acknowledgement link stays valid after the run that made it; 30 by default. */
  ackLinkValidDays?: number;
};

const noMailer: Mailer = {
  send: () => Promise.reject(new Error("no mailer was given to createContainer")),
  close: async () => {},
};
// Any fixed number shared by every instance: the run lock only spares duplicate work.
const EVALUATION_LOCK = 0x646d_616c;

export function createContainer(db: Database, opts: ContainerOptions) {
  const clock = opts.clock ?? systemClock;
  const today = todayOn(clock);
  const catalogRepo = createCatalogRepository(db.prisma);
  const catalog = createCatalogService({ repo: catalogRepo });
  const apiKeys = createApiKeysService({
    repo: createApiKeysRepository(db.prisma),
    unitsExist: catalogRepo.existingUnitCodes,
    now: () => clock.now(),
  });
  // Started by the caller (src/main.ts) and closed by it, like the schedule.
  const revocations = opts.revocations ? createKeyRevocations({ ...opts.revocations, sink: apiKeys }) : null;
  const ledgerRepo = createLedgerRepository(db.prisma, db.direct);
  const audit = createAuditRepository(db.prisma);
  // Working days: read by the plans (due-date flags), the rules and closings (moved due dates).
  const calendar = createCalendarService({ repo: createCalendarRepository(db.prisma), audit, today });
  // Closed milestones: read by the rules (recorded verdicts), the plans and the ledger (closed periods).
  const closingsRepo = createClosingsRepository(db.prisma);
  const plans = createPlansService({
    repo: createPlansRepository(db.prisma),
    closings: closingsRepo,
    audit,
    calendar,
  });
  // Documents units owe by a date, judged on the same working calendar as the milestones; the rules show
  // them beside the milestones.
  const dutiesRepo = createDutiesRepository(db.prisma);
  const duties = createDutiesService({
    repo: dutiesRepo,
    plans,
    units: catalogRepo,
    calendar,
    today,
    now: () => clock.now(),
  });
  const evaluationGate = createEvaluationGate(opts.evaluations ?? DEFAULT_GATE);
  // National reads answer from a copy of the kept figures, refreshed from the ledger before each.
  const rulesRepo = createRulesRepository(db.prisma, {
    replica: createFiguresReplica(db.direct),
    direct: db.direct,
  });
  const rules = createRulesService({
    repo: rulesRepo,
    plans,
    units: catalog,
    closings: closingsRepo,
    gate: evaluationGate,
    cache: createAnswerCache({ version: rulesRepo.ledgerVersion }),
    calendar,
    duties,
  });
  const closings = createClosingsService({ repo: closingsRepo, plans, rules, audit, today, calendar });
  const ledger = createLedgerService({
    repo: ledgerRepo,
    catalog: catalogRepo,
    today,
    plans,
    closings: closingsRepo,
    audit,
  });
  const reallocation = createReallocationService({
    repo: createReallocationRepository(db.prisma),
    audit,
    ledger,
    ledgerRepo,
    closings: closingsRepo,
    catalog: catalogRepo,
    today,
  });
  const yearEnd = createYearEndService({
    repo: createYearEndRepository(db.prisma),
    audit,
    ledger,
    catalog: catalogRepo,
  });
  const spreadsheetImports = createImportsService({
    db: db.prisma,
    repo: createImportsRepository(),
    ledger,
    ledgerRepo,
    catalog: catalogRepo,
    dutySubmissions: createSubmissionImportService({
      db: db.prisma,
      repo: dutiesRepo,
      plans,
      units: catalogRepo,
      today,
      now: () => clock.now(),
    }),
    today,
    limits: opts.importLimits,
  });
  const spreadsheetExports = createExportsService({ rules, catalog });
  const treasury = createTreasuryService({
    repo: createTreasuryRepository(db.prisma),
    ledgerRepo,
    catalog: catalogRepo,
    now: () => clock.now(),
    today,
    limits: opts.importLimits,
  });

  const alertLedger = createAlertLedgerRepository(db.prisma, db.direct);
  const outboxRepo = createOutboxRepository(db.prisma);
  // The watcher's heartbeat is wall time even under a replayed clock: whoever watches it compares
  // it with the real time (test/alerts-delivery.test.ts).
  const runs = createEvaluationRunsRepository(db.prisma, systemClock.now);
  const admins = createAdminRecipients(db.prisma, opts.adminEmails ?? []);
  const metrics = createAlertMetrics({
    countsByStatus: outboxRepo.countsByStatus,
    lastSuccess: runs.lastSuccess,
  });
  const acknowledgements = createAcknowledgementsService({
    repo: createAcknowledgementsRepository(db.prisma),
    secret: cachedAckSecret(() => loadAckSecret(db.prisma, opts.ackSecret)),
    now: () => clock.now(),
    today,
    baseUrl: opts.publicBaseUrl ?? "http://127.0.0.1:3000",
    validDays: opts.ackLinkValidDays ?? 30,
  });
  const outbox = createOutboxService({
    repo: outboxRepo,
    ledger: alertLedger,
    render: renderMessage,
    ackLinks: acknowledgements.signer,
  });
  const alerts = createAlertsService({
    ledger: alertLedger,
    runs,
    admins,
    plans,
    rules,
    catalog,
    policy: () => opts.alertPolicy ?? DEFAULT_ALERT_POLICY,
    // Library holidays and the admins' days off (Tết, bridges), read on every run.
    calendar: opts.calendar ?? (() => calendar.workingCalendar()),
    closings: closingsRepo,
    // Duties join the policy like the milestones; the Treasury's old differences go in the digest.
    duties: (plan, asOf) => duties.judgedDuties(plan.year, plan.duties ?? [], asOf),
    treasuryDifferences: (olderThanDays, day) => treasury.unresolvedDifferences(olderThanDays, day),
    outbox,
    lock: (fn) => db.raw.tryWithLock(EVALUATION_LOCK, fn),
    instance: opts.instance ?? `${os.hostname()}:${process.pid}`,
    onFinished: metrics.evaluationFinished,
    ...(opts.alertChunkUnits ? { chunkUnits: opts.alertChunkUnits } : {}),
  });
  const dashboard = createDashboardService({
    repo: createDashboardRepository(db.prisma),
    plans,
    rules,
    catalog,
    ledger,
    alerts: alertLedger,
    today,
    gate: evaluationGate,
    acknowledgements,
  });
  const calendarFeeds = createCalendarFeedsService({
    repo: createCalendarFeedsRepository(db.prisma),
    rules,
    plans,
    catalog,
    unitsExist: catalogRepo.existingUnitCodes,
    today,
    now: () => clock.now(),
    publicBaseUrl: opts.publicBaseUrl ?? "http://127.0.0.1:3000",
  });
  const mailer = opts.mailer ?? noMailer;
  const sender = createOutboxSender({
    outbox,
    mailer,
    config: { ...DEFAULT_OUTBOX, ...opts.outbox },
    observer: metrics.observer,
    ...(opts.senderLog ? { log: opts.senderLog } : {}),
  });
  return {
    db,
    clock,
    today,
    maxBatchSize: opts.maxBatchSize,
    spreadsheetImports,
    spreadsheetExports,
    treasury,
    catalog,
    apiKeys,
    revocations,
    ledger,
    plans,
    calendar,
    rules,
    evaluationGate,
    closings,
    duties,
    audit,
    reallocation,
    yearEnd,
    alerts,
    acknowledgements,
    alertLedger,
    outbox,
    admins,
    metrics,
    mailer,
    sender,
    dashboard,
    calendarFeeds,
  };
}

export type Container = ReturnType<typeof createContainer>;

/** The container as the service and the CLI run it: mailer and alert settings from the environment. */
export function createConfiguredContainer(
  db: Database,
  config: Config,
  o: {
    instance: string;
    log: MailLog;
    /** The app's logger (pino): the sender logs a dead message as a warning; else all through `log`. */
    logger?: SenderLog;
    revocations?: ContainerOptions["revocations"];
  },
) {
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    dataDir: config.dataDir,
    log: o.log,
  });
  return createContainer(db, {
    maxBatchSize: config.maxBatchSize,
    mailer,
    adminEmails: config.alertAdminEmails,
    outbox: config.outbox,
    alertPolicy: config.alertPolicy,
    importLimits: config.imports,
    evaluations: config.evaluations,
    instance: o.instance,
    senderLog: o.logger ?? senderLogOf(o.log),
    publicBaseUrl: config.publicBaseUrl,
    ...(config.ackSecret ? { ackSecret: config.ackSecret } : {}),
    ackLinkValidDays: config.ackLinkValidDays,
    ...(o.revocations ? { revocations: o.revocations } : {}),
  });
}
