// The schema's history: schema.prisma and prisma/migrations agree (no drift), and the migrator
// applies each migration once, in order, recorded where `prisma migrate` would record it.
import { createHash, randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffMigrationsToSchema, MIGRATIONS_DIR, SCHEMA_PATH } from "../scripts/lib/schema-diff.js";
import { type Database, openDatabase } from "../src/db/database.js";
import { DEFAULT_MIGRATIONS_DIR, MigrationError, migrate } from "../src/db/migrator.js";
import { urlFor } from "./helpers/postgres-template.js";

const onPostgres = process.env.TEST_DATABASE === "postgres";

/** A database with nothing in it: in-memory PGlite, or a new empty database on the server. */
async function openEmptyDatabase(): Promise<Database> {
  if (!onPostgres) return openDatabase({ inMemory: true });
  const base = process.env.DATABASE_URL!;
  const name = `dm_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const db = await openDatabase({ databaseUrl: urlFor(base, name) });
  return {
    ...db,
    async close() {
      await db.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

type HistoryRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
};
const history = (db: Database) =>
  db.raw.query<HistoryRow>(
    `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

const tempDirs: string[] = [];
async function tempDir() {
  const dir = await mkdtemp(path.join(tmpdir(), "dm-migrations-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function writeMigration(dir: string, name: string, sql: string) {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, "migration.sql"), sql);
}

// The schema engine is database-independent: run the drift checks once, in the PGlite project.
describe.skipIf(onPostgres)("drift between schema.prisma and prisma/migrations", () => {
  it("finds none", async () => {
    expect(await diffMigrationsToSchema()).toBe("");
  });

  it("detects a field added to schema.prisma without a migration", async () => {
    const dir = await tempDir();
    const schema = await readFile(SCHEMA_PATH, "utf8");
    const changed = schema.replace(
      /(model Program \{\n\s+code\s+String\s+@id\n)/,
      '$1  shortName String? @map("short_name")\n',
    );
    expect(changed).not.toBe(schema);
    const schemaPath = path.join(dir, "schema.prisma");
    await writeFile(schemaPath, changed);
    const sql = await diffMigrationsToSchema(MIGRATIONS_DIR, schemaPath);
    expect(sql).toMatch(/ALTER TABLE "program" ADD COLUMN\s+"short_name" TEXT/);
  });

  it("detects a migration that lacks what schema.prisma declares", async () => {
    const dir = await tempDir();
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const initDir = path.join(dir, "20261126192948_init", "migration.sql");
    const sql = await readFile(initDir, "utf8");
    const without = sql.replace(/CREATE UNIQUE INDEX "api_key_key_hash_key".*\n/, "");
    expect(without).not.toBe(sql);
    await writeFile(initDir, without);
    expect(await diffMigrationsToSchema(dir)).toMatch(/CREATE UNIQUE INDEX "api_key_key_hash_key"/);
  });
});

describe("migrating a new database with prisma/migrations", () => {
  let db: Database;
  beforeAll(async () => {
    db = await openEmptyDatabase();
  });
  afterAll(() => db.close());

  it("applies every migration once, in order, and records each with its checksum", async () => {
    const names = (await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(names[0]).toBe("20261126192948_init");
    const first = await migrate(db.raw);
    expect(first).toEqual({ applied: names, alreadyApplied: 0 });
    const expected = await Promise.all(
      names.map(async (name) => ({
        migration_name: name,
        checksum: sha256(await readFile(path.join(DEFAULT_MIGRATIONS_DIR, name, "migration.sql"), "utf8")),
        finished_at: expect.any(Date),
        applied_steps_count: 1,
      })),
    );
    expect(await history(db)).toEqual(expected);
    const second = await migrate(db.raw);
    expect(second).toEqual({ applied: [], alreadyApplied: names.length });
    expect(await history(db)).toHaveLength(names.length);
  });

  it("creates the three programmes with their Vietnamese names", async () => {
    const rows = await db.raw.query<{ code: string; name: string }>(
      `SELECT code, name FROM program ORDER BY code`,
    );
    expect(rows).toEqual([
      {
        code: "DTTS",
        name: "Chương trình MTQG phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi",
      },
      { code: "GNBV", name: "Chương trình MTQG giảm nghèo bền vững" },
      { code: "NTM", name: "Chương trình MTQG xây dựng nông thôn mới" },
    ]);
  });

  it("leaves the ledger, refund, carry-forward and audit tables append-only, and guards the ledger", async () => {
    const triggers = await db.raw.query<{ tgname: string }>(
      `SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname`,
    );
    expect(triggers.map((r) => r.tgname)).toEqual([
      "allocation_append_only",
      "allocation_correction_guard",
      // Not guards: *_figures keep the ledger's figures (migration ..._ledger_figures), and
      // *_version bump the version every instance keys its cached answers by.
      "allocation_figures",
      "allocation_figures_truncate",
      "allocation_guard",
      "allocation_version",
      // Not a guard: announces a key's revocation or change to every instance (NOTIFY dm_api_keys).
      "api_key_changed_delete",
      "api_key_changed_update",
      "audit_event_append_only",
      "calendar_year_version",
      "carry_forward_append_only",
      "carry_forward_figures",
      "carry_forward_figures_truncate",
      "carry_forward_guard",
      "carry_forward_version",
      "disbursement_append_only",
      "disbursement_correction_guard",
      "disbursement_figures",
      "disbursement_figures_truncate",
      "disbursement_guard",
      "disbursement_version",
      "duty_submission_append_only",
      "duty_submission_version",
      // Move the admission epoch posts keep the plans and closings by (..._admission_epoch).
      "milestone_closing_admission_epoch",
      "milestone_closing_version",
      "milestone_verdict_version",
      "plan_version_admission_epoch",
      "plan_version_version",
      "reallocation_line_version",
      "reallocation_request_version",
      "refund_append_only",
      "refund_figures",
      "refund_figures_truncate",
      "refund_guard",
      "refund_version",
      "treasury_confirmation_append_only",
      "treasury_confirmation_version",
      "treasury_statement_append_only",
      "treasury_statement_line_append_only",
      "treasury_statement_line_version",
      "treasury_statement_version",
      // Moves the units' epoch national reads keep the units' list by (..._units_epoch).
      "unit_epoch",
      "unit_version",
    ]);
  });
});

describe("the migrator", () => {
  let db: Database;
  beforeAll(async () => {
    db = await openEmptyDatabase();
  });
  afterAll(() => db.close());

  it("applies migrations in name order, whatever order they were written in", async () => {
    const dir = await tempDir();
    // Written last-first: each depends on the one before it.
    await writeMigration(dir, "20220103000000_fill", `INSERT INTO ord_t (a, b) VALUES (1, 'x');`);
    await writeMigration(dir, "20220102000000_widen", `ALTER TABLE ord_t ADD COLUMN b TEXT;`);
    await writeMigration(dir, "20220101000000_create", `CREATE TABLE ord_t (a INT);`);
    const r = await migrate(db.raw, dir);
    expect(r.applied).toEqual(["20220101000000_create", "20220102000000_widen", "20220103000000_fill"]);
    expect(await db.raw.query(`SELECT a, b FROM ord_t`)).toEqual([{ a: 1, b: "x" }]);
    const names = (await history(db)).map((h) => h.migration_name);
    expect(names).toEqual(r.applied);
  });

  it("applies only what is new on the next run", async () => {
    const dir = await tempDir();
    await writeMigration(dir, "20220201000000_one", `CREATE TABLE next_t (a INT);`);
    expect((await migrate(db.raw, dir)).applied).toEqual(["20220201000000_one"]);
    expect((await migrate(db.raw, dir)).applied).toEqual([]);
    await writeMigration(dir, "20220202000000_two", `INSERT INTO next_t VALUES (2);`);
    expect((await migrate(db.raw, dir)).applied).toEqual(["20220202000000_two"]);
    expect(await db.raw.query(`SELECT a FROM next_t`)).toEqual([{ a: 2 }]);
  });

  it("refuses a migration edited after it was applied, and applies nothing after it", async () => {
    const dir = await tempDir();
    await writeMigration(dir, "20220301000000_base", `CREATE TABLE edit_t (a INT);`);
    await migrate(db.raw, dir);
    await writeMigration(dir, "20220301000000_base", `CREATE TABLE edit_t (a BIGINT);`);
    await writeMigration(dir, "20220302000000_later", `CREATE TABLE edit_later_t (a INT);`);
    await expect(migrate(db.raw, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(db.raw, dir)).rejects.toThrow(/20220301000000_base was edited after it was applied/);
    const later = await db.raw.query(`SELECT to_regclass('edit_later_t') AS t`);
    expect(later).toEqual([{ t: null }]);
  });

  it("rolls back a failing migration whole and does not record it", async () => {
    const dir = await tempDir();
    await writeMigration(dir, "20220401000000_broken", `CREATE TABLE broken_t (a INT);\nSELECT 1/0;`);
    await expect(migrate(db.raw, dir)).rejects.toThrow(/division by zero/);
    expect(await db.raw.query(`SELECT to_regclass('broken_t') AS t`)).toEqual([{ t: null }]);
    expect((await history(db)).map((h) => h.migration_name)).not.toContain("20220401000000_broken");
    // Fixed in place (it was never applied, so editing it is allowed), it now applies.
    await writeMigration(dir, "20220401000000_broken", `CREATE TABLE broken_t (a INT);`);
    expect((await migrate(db.raw, dir)).applied).toEqual(["20220401000000_broken"]);
  });

  it.skipIf(!onPostgres)("applies each migration once when two instances start together", async () => {
    const dir = await tempDir();
    for (let i = 0; i < 5; i += 1)
      await writeMigration(dir, `2022050${i}000000_m${i}`, `CREATE TABLE race_${i} (a INT);`);
    // A second instance: its own pool on the same database.
    const other = await openDatabase({ databaseUrl: await currentUrl(db) });
    try {
      const [a, b] = await Promise.all([migrate(db.raw, dir), migrate(other.raw, dir)]);
      // Without the lock both would apply m0 and one would fail on "relation already exists".
      expect([...a.applied, ...b.applied].sort()).toEqual(
        [0, 1, 2, 3, 4].map((i) => `2022050${i}000000_m${i}`),
      );
    } finally {
      await other.close();
    }
  });
});

/** The server URL of an open database (PostgreSQL only). */
async function currentUrl(db: Database): Promise<string> {
  const [row] = await db.raw.query<{ d: string }>(`SELECT current_database() AS d`);
  return urlFor(process.env.DATABASE_URL!, row!.d);
}
