// Start-up: read config, open and migrate the database, serve HTTP, close gracefully on SIGTERM.
import closeWithGrace from "close-with-grace";
import { buildApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { createContainer } from "./container.js";
import { openDatabase } from "./db/database.js";
import { migrate } from "./db/migrator.js";
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
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
const migrations = await migrate(db.raw);
logger.info({ database: db.kind, applied: migrations.applied }, "database ready");

const container = createContainer(db, { maxBatchSize: config.maxBatchSize });
await container.apiKeys.bootstrapAdmin(config.adminApiKey);
if (!config.adminApiKey)
  logger.warn("ADMIN_API_KEY is not set: no admin can sign in until one is configured");

const app = await buildApp(container, { logger, bodyLimit: config.bodyLimitBytes });

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) logger.error({ err }, "closing after an error");
  else logger.info({ signal }, "closing");
  await app.close();
  await db.close();
});

await app.listen({ port: config.port, host: config.host });
logger.info({ ms: Math.round(performance.now() - startedAt) }, "started");
