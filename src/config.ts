// The environment, parsed once. Nothing else in the service reads process.env (only its launcher,
// dist/server/start.mjs, reads SOURCE_MAPS before loading it: scripts/build-server.mjs).
// Parsing only: this file imports zod, node builtins and small modules of plain values, never the
// database, the alerts or a service, so that reading the environment loads none of them (a
// process that only checks its configuration stays light). test/config.test.ts proves it.
import path from "node:path";
import { z } from "zod";
import { DEFAULT_PGLITE_SHARED_BUFFERS } from "./db/pglite-defaults.js";
import { type AlertPolicy, alertPolicySchema } from "./domain/alert-policy-settings.js";
import { DEFAULT_GATE, type GateOptions } from "./rules/gate-options.js";
import { DEFAULT_IMPORT_LIMITS as IMPORT, type ImportLimits } from "./spreadsheets/import-limits.js";

export type OutboxConfig = { retryBaseMs: number; retryMaxMs: number; maxAttempts: number; leaseMs: number };

/** The outbox sender's retries and lease when OUTBOX_* are unset (also the container's defaults). */
export const DEFAULT_OUTBOX: OutboxConfig = {
  retryBaseMs: 30_000,
  retryMaxMs: 3_600_000,
  maxAttempts: 20,
  leaseMs: 120_000,
};

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATA_DIR: z.string().min(1).default("./data"),
  PGLITE_SHARED_BUFFERS: z
    .string()
    .regex(/^[1-9]\d*(kB|MB|GB)$/, "must be a size such as 32MB")
    .default(DEFAULT_PGLITE_SHARED_BUFFERS),
  PGLITE_WASM_TIER_UP: z.enum(["true", "false"]).default("false"),
  ADMIN_API_KEY: z
    .string()
    .min(24, "must be at least 24 characters (use a random secret)")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  LOG_LEVEL: z.enum(logLevels).default("info"),
  MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  // What one spreadsheet import may hold, checked while the file is read (src/spreadsheets/import-limits.ts).
  IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(IMPORT.maxBytes),
  IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(IMPORT.maxRows),
  IMPORT_MAX_COLUMNS: z.coerce.number().int().min(1).max(16_384).default(IMPORT.maxColumns),
  IMPORT_MAX_CELL_CHARS: z.coerce.number().int().min(1).max(32_767).default(IMPORT.maxCellChars),
  IMPORT_MAX_PART_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(IMPORT.maxPartBytes),
  IMPORT_MAX_INFLATE_RATIO: z.coerce.number().int().min(1).max(1100).default(IMPORT.maxInflateRatio),
  IMPORT_MAX_ZIP_ENTRIES: z.coerce.number().int().min(1).max(65_535).default(IMPORT.maxZipEntries),
  IMPORT_MAX_TEXT_CHARS: z.coerce.number().int().min(1000).max(1_000_000_000).default(IMPORT.maxTextChars),
  RATE_LIMIT_WRITES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  RATE_LIMIT_READS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  RATE_LIMIT_EVALUATIONS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  EVALUATION_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(DEFAULT_GATE.concurrency),
  EVALUATION_QUEUE: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_GATE.maxWaiting),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@host:587")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Giám sát giải ngân MTQG <no-reply@disbursement-monitor.invalid>"),
  ALERT_ADMIN_EMAILS: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.email("each address must be an e-mail address"))),
  ALERT_RUN_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour, Asia/Ho_Chi_Minh)")
    .default("07:00"),
  SCHEDULER_ENABLED: z.enum(["true", "false"]).default("true"),
  SENDER_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(1).default(DEFAULT_OUTBOX.retryBaseMs),
  OUTBOX_RETRY_MAX_MS: z.coerce.number().int().min(1).default(DEFAULT_OUTBOX.retryMaxMs),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(DEFAULT_OUTBOX.maxAttempts),
  OUTBOX_LEASE_MS: z.coerce.number().int().min(1000).default(DEFAULT_OUTBOX.leaseMs),
  // Where people reach the service from outside: the acknowledgement links and calendar feeds name it.
  PUBLIC_BASE_URL: z
    .url({
      protocol: /^https?$/,
      error: "must be an http:// or https:// URL, e.g. https://giamsat.example.vn",
    })
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
  ACK_SECRET: z
    .string()
    .min(32, "must be at least 32 characters (use a random secret)")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  ACK_LINK_VALID_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  ALERT_POLICY: z
    .string()
    .default("{}")
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({
          code: "custom",
          message: 'must be a JSON object, e.g. {"reminderDaysBefore":[30,14,7,1]}',
        });
        return z.NEVER;
      }
    })
    .pipe(alertPolicySchema),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  pgliteSharedBuffers: string;
  /** Let V8 optimise PGlite's hot WebAssembly (src/db/database.ts, openPglite). */
  pgliteWasmTierUp: boolean;
  adminApiKey: string | undefined;
  logLevel: (typeof logLevels)[number];
  maxBatchSize: number;
  bodyLimitBytes: number;
  imports: ImportLimits;
  writesPerMinute: number;
  readsPerMinute: number;
  evaluationsPerMinute: number;
  /** National evaluations computed at once, and waiting (src/rules/evaluation-gate.ts). */
  evaluations: GateOptions;
  smtpUrl: string | undefined;
  mailFrom: string;
  alertAdminEmails: string[];
  alertRunTime: string;
  schedulerEnabled: boolean;
  senderIntervalSeconds: number;
  outbox: OutboxConfig;
  alertPolicy: AlertPolicy;
  /** Without PUBLIC_BASE_URL: http://HOST:PORT, right only on the machine itself. */
  publicBaseUrl: string;
  /** Whether PUBLIC_BASE_URL was given (else publicBaseUrl is only HOST and PORT as configured). */
  publicBaseUrlSet: boolean;
  /** HMAC key of the acknowledgement links; without it one is made and kept in the database. */
  ackSecret: string | undefined;
  ackLinkValidDays: number;
};

/** Where the database is: a PostgreSQL server, or PGlite in DATA_DIR. */
export const databaseOptionsOf = (c: Config) => ({
  databaseUrl: c.databaseUrl,
  dataDir: c.dataDir,
  pgliteSharedBuffers: c.pgliteSharedBuffers,
  pgliteBaselineWasm: !c.pgliteWasmTierUp,
});

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError listing every wrong variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // A variable set to nothing (`PORT=` in a .env file) means "use the default": coerced, an
  // empty PORT would otherwise become port 0, a random port.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    pgliteSharedBuffers: e.PGLITE_SHARED_BUFFERS,
    pgliteWasmTierUp: e.PGLITE_WASM_TIER_UP === "true",
    adminApiKey: e.ADMIN_API_KEY,
    logLevel: e.LOG_LEVEL,
    maxBatchSize: e.MAX_BATCH_SIZE,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    imports: {
      maxBytes: e.IMPORT_MAX_BYTES,
      maxRows: e.IMPORT_MAX_ROWS,
      maxColumns: e.IMPORT_MAX_COLUMNS,
      maxCellChars: e.IMPORT_MAX_CELL_CHARS,
      maxPartBytes: e.IMPORT_MAX_PART_BYTES,
      maxInflateRatio: e.IMPORT_MAX_INFLATE_RATIO,
      maxZipEntries: e.IMPORT_MAX_ZIP_ENTRIES,
      maxTextChars: e.IMPORT_MAX_TEXT_CHARS,
    },
    writesPerMinute: e.RATE_LIMIT_WRITES_PER_MINUTE,
    readsPerMinute: e.RATE_LIMIT_READS_PER_MINUTE,
    evaluationsPerMinute: e.RATE_LIMIT_EVALUATIONS_PER_MINUTE,
    evaluations: { concurrency: e.EVALUATION_CONCURRENCY, maxWaiting: e.EVALUATION_QUEUE },
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    alertAdminEmails: e.ALERT_ADMIN_EMAILS,
    alertRunTime: e.ALERT_RUN_TIME,
    schedulerEnabled: e.SCHEDULER_ENABLED === "true",
    senderIntervalSeconds: e.SENDER_INTERVAL_SECONDS,
    outbox: {
      retryBaseMs: e.OUTBOX_RETRY_BASE_MS,
      retryMaxMs: e.OUTBOX_RETRY_MAX_MS,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      leaseMs: e.OUTBOX_LEASE_MS,
    },
    alertPolicy: e.ALERT_POLICY,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://${e.HOST}:${e.PORT}`,
    publicBaseUrlSet: e.PUBLIC_BASE_URL !== undefined,
    ackSecret: e.ACK_SECRET,
    ackLinkValidDays: e.ACK_LINK_VALID_DAYS,
  };
}
