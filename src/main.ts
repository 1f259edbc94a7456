// Start-up: read config, open and migrate the database, serve HTTP, run the schedule, and close
// everything gracefully on SIGTERM.
import os from "node:os";
import closeWithGrace from "close-with-grace";
import { dashboardUrl, firstSignInNotice } from "./access/first-sign-in.js";
import { buildApp } from "./app.js";
import { ConfigError, databaseOptionsOf, loadConfig } from "./config.js";
import { createConfiguredContainer } from "./container.js";
import { openDatabaseOrExit } from "./db/database.js";
import { migrate } from "./db/migrator.js";
import { createSchedule } from "./jobs/schedule.js";
import { createLogger } from "./logger.js";

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78);
  }
  throw err;
}

const logger = createLogger(config.logLevel);
const startedAt = performance.now();
const db = await openDatabaseOrExit(databaseOptionsOf(config));
const migrations = await migrate(db.raw);
logger.info({ database: db.kind, applied: migrations.applied }, "database ready");

const container = createConfiguredContainer(db, config, {
  instance: `${os.hostname()}:${process.pid}`,
  log: (msg, meta) => logger.info(meta, msg),
  logger,
  // Other instances may share a PostgreSQL database and revoke keys; PGlite is this process's own.
  ...(config.databaseUrl ? { revocations: { databaseUrl: config.databaseUrl, log: logger } } : {}),
});
await container.apiKeys.bootstrapAdmin(config.adminApiKey);
await container.revocations?.start();
if (!config.smtpUrl)
  logger.info(
    { dir: `${config.dataDir}/outbox-eml` },
    "SMTP_URL is not set: alerts are written as .eml files",
  );

const schedule = createSchedule({
  alerts: container.alerts,
  closings: container.closings,
  sender: container.sender,
  today: container.today,
  runTime: config.alertRunTime,
  senderIntervalSeconds: config.senderIntervalSeconds,
  log: logger,
});
const app = await buildApp(container, {
  logger,
  bodyLimit: config.bodyLimitBytes,
  writesPerMinute: config.writesPerMinute,
  readsPerMinute: config.readsPerMinute,
  evaluationsPerMinute: config.evaluationsPerMinute,
  kickSender: schedule.kickSender,
});

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) logger.error({ err }, "closing after an error");
  else logger.info({ signal }, "closing");
  await schedule.stop();
  await app.close();
  await container.revocations?.close();
  await container.mailer.close();
  await db.close();
});

await app.listen({ port: config.port, host: config.host });
// Without ADMIN_API_KEY and without any active admin key, this start makes one and shows it once:
// `npm install` then `npm start` is enough to sign in. Only once listening, so that a start that
// fails (a port in use) never makes a key nobody saw.
const firstAdmin = config.adminApiKey ? null : await container.apiKeys.createFirstAdminKey();
if (firstAdmin) {
  const url = dashboardUrl(
    app.server.address() as { address: string; port: number },
    config.publicBaseUrlSet ? config.publicBaseUrl : undefined,
  );
  logger.info({ keyId: firstAdmin.id, url }, "no admin key existed: created one, shown once on stdout");
  // On stdout itself, not only in the JSON log: whoever ran `npm start` reads it on the terminal.
  process.stdout.write(firstSignInNotice(url, firstAdmin.key));
}
if (config.schedulerEnabled) schedule.start();
logger.info({ ms: Math.round(performance.now() - startedAt), scheduler: config.schedulerEnabled }, "started");
