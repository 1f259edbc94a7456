// A fresh, migrated database for one test file: in-memory PGlite, or a clone of the migrated
// PostgreSQL template when the project runs against a server.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrator.js";
import { TEMPLATE_DB, urlFor } from "./postgres-template.js";

export async function createTestDatabase(): Promise<Database & { url?: string }> {
  if (process.env.TEST_DATABASE !== "postgres") {
    const db = await openDatabase({ inMemory: true });
    await migrate(db.raw);
    return db;
  }
  const base = process.env.DATABASE_URL!;
  const name = `dm_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
  await admin.end();
  const url = urlFor(base, name);
  const db = await openDatabase({ databaseUrl: url });
  return {
    ...db,
    url,
    async close() {
      await db.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
