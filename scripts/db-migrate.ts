// npm run db:migrate: applies pending migrations to the configured database (PGlite or PostgreSQL).
import { databaseOptionsOf, loadConfig } from "../src/config.js";
import { openDatabaseOrExit } from "../src/db/database.js";
import { migrate } from "../src/db/migrator.js";

const config = loadConfig();
const db = await openDatabaseOrExit(databaseOptionsOf(config));
try {
  const { applied, alreadyApplied } = await migrate(db.raw);
  console.log(
    `${db.kind}: ${applied.length} applied (${applied.join(", ") || "none"}), ${alreadyApplied} already there`,
  );
} finally {
  await db.close();
}
