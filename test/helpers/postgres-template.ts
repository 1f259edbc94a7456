// Global setup for the PostgreSQL project: migrate one template database once; every test file
// then clones it (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
import pg from "pg";
import { openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrator.js";

export const TEMPLATE_DB = "dm_test_template";

export function urlFor(base: string, database: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

export default async function setup() {
  const base = process.env.DATABASE_URL;
  if (!base) return;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  const db = await openDatabase({ databaseUrl: urlFor(base, TEMPLATE_DB) });
  await migrate(db.raw);
  await db.close();
  const old = await admin.query(
    `SELECT datname FROM pg_database WHERE datname LIKE 'dm_test_%' AND datname <> $1`,
    [TEMPLATE_DB],
  );
  for (const r of old.rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  await admin.end();
}
