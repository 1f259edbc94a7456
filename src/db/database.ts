// One Prisma client over either a PostgreSQL server (adapter-pg) or embedded PGlite, plus the
// raw script runner the migrator needs (Prisma runs one statement per call).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import v8 from "node:v8";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { type DataDirLock, DataDirLockedError, lockDataDir } from "./data-dir-lock.js";
import { LanePool } from "./lanes.js";
import { DEFAULT_PGLITE_SHARED_BUFFERS } from "./pglite-defaults.js";
import { type PgliteThread, startPgliteThread } from "./pglite-thread.js";

/** Runs a multi-statement SQL script inside one transaction. */
export type ScriptRunner = {
  /** Runs `fn` holding a session lock so that two instances never migrate at once. */
  withMigrationLock<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` if no other holder of `key` (in any instance) is running; otherwise returns
   * undefined. It only saves duplicate work: correctness never rests on it.
   */
  tryWithLock<T>(key: number, fn: () => Promise<T>): Promise<T | undefined>;
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
  transaction(script: string, after: { sql: string; params: unknown[] }): Promise<void>;
};

/** Raw SQL answered as Prisma answers it: what Prisma's clients and `Database.direct` both offer. */
export type RawSql = {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
};

export type Database = {
  kind: "postgres" | "pglite";
  prisma: PrismaClient;
  raw: ScriptRunner;
  /**
   * Statements that need no transaction and run often (a post alone's read and INSERT, the figures'
   * copy's reads), sent on the pool without Prisma: its request pipeline and row conversion were a
   * tenth of the service's time on posts.
   */
  direct: RawSql;
  ping(): Promise<void>;
  close(): Promise<void>;
};

export type DatabaseOptions = {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  inMemory?: boolean;
  /** PGlite's shared_buffers (default DEFAULT_PGLITE_SHARED_BUFFERS); see openPglite. */
  pgliteSharedBuffers?: string | undefined;
  /**
   * Run PGlite's WebAssembly on V8's baseline compiler only, for the whole process (the service
   * sets it from PGLITE_WASM_TIER_UP; tests and benchmarks leave V8 as it is); see openPglite.
   */
  pgliteBaselineWasm?: boolean | undefined;
};

// Prisma's own lock id for migrations, so a real `prisma migrate deploy` would wait on us too.
const MIGRATION_LOCK_ID = 72707369;

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts);
}

/**
 * openDatabase for a process's entry point (the service, the CLI scripts): when the embedded
 * database is held by another process, says which one and exits with 75 (EX_TEMPFAIL).
 */
export async function openDatabaseOrExit(opts: DatabaseOptions): Promise<Database> {
  try {
    return await openDatabase(opts);
  } catch (err) {
    if (!(err instanceof DataDirLockedError)) throw err;
    console.error(`error: ${err.message}`);
    process.exit(75);
  }
}

/**
 * How long a pooled PostgreSQL connection may sit unused before it is closed. pg's default, 10 s,
 * closed every connection between an admin's clicks, and the next request opened them again and
 * prepared its statements anew: in a probe (1,000,000 entries), a repeated GET /at-risk 12 s after
 * the last request took 31-72 ms with that default against 18-35 ms with connections kept.
 * TCP keep-alive finds a connection a network dropped meanwhile.
 */
const POSTGRES_IDLE_MS = 30 * 60_000;

async function openPostgres(url: string): Promise<Database> {
  const pool = new LanePool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: POSTGRES_IDLE_MS,
    keepAlive: true,
  });
  return overPool("postgres", pool, {
    async withMigrationLock(fn) {
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
        return await fn();
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => {});
        client.release();
      }
    },
    async tryWithLock(key, fn) {
      const client = await pool.connect();
      try {
        const { rows } = await client.query("SELECT pg_try_advisory_lock($1) AS ok", [key]);
        if (!rows[0]?.ok) return undefined;
        try {
          return await fn();
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [key]).catch(() => {});
        }
      } finally {
        client.release();
      }
    },
  });
}

/**
 * The embedded database runs on its own thread (src/db/pglite-thread.ts) and is spoken to as a
 * server is: the same driver, adapter and SQL as PostgreSQL, over one connection (PGlite has one
 * session). Holding that connection while waiting for another would wait forever: read what a
 * transaction needs before opening it (see the ledger service's admissionContext).
 */
// Beside this file in the sources; the bundle (dist/server) sits as deep below the root as src/db.
const CREATE_SCRIPT = fileURLToPath(new URL("../../src/db/pglite-create.mjs", import.meta.url));

/**
 * A new database made once by the build (scripts/build-server.mjs), for this version of PGlite: its
 * `.json` beside it names the version. Beside the bundle; as deep below the root as src/db.
 */
const PGLITE_TEMPLATE = fileURLToPath(new URL("../../dist/server/pglite-template", import.meta.url));
const PGLITE_PACKAGE = fileURLToPath(
  new URL("../../node_modules/@electric-sql/pglite/package.json", import.meta.url),
);

const versionIn = async (file: string) =>
  ((JSON.parse(await readFile(file, "utf8")) as { version?: unknown }).version as string | undefined) ?? null;

/**
 * A new embedded database in the empty folder `dir`. A copy of the build's template when it was
 * made by this version of PGlite; else initdb in another process (src/db/pglite-create.mjs).
 * initdb peaks near 800 MB (797 MB measured on 2026-12-01): this process would keep that as its own
 * high-water mark, and a service given 300 MB could not start at all. The copy is written beside
 * `dir` and renamed into place, so a copy cut short is never taken for a database.
 */
export async function createPgliteFolder(
  dir: string,
  postgresqlconf: string[],
  template = PGLITE_TEMPLATE,
): Promise<"template" | "initdb"> {
  const [made, installed] = await Promise.all([
    versionIn(`${template}.json`).catch(() => null),
    versionIn(PGLITE_PACKAGE).catch(() => null),
  ]);
  // Only into an empty folder: whatever a folder without PG_VERSION holds is left to initdb, as before.
  if (made !== null && made === installed && (await readdir(dir)).length === 0) {
    const next = `${dir}.new`;
    await rm(next, { recursive: true, force: true });
    await cp(template, next, { recursive: true });
    await rm(dir, { recursive: true, force: true });
    await rename(next, dir);
    return "template";
  }
  await promisify(execFile)(process.execPath, [CREATE_SCRIPT, dir, JSON.stringify(postgresqlconf)], {
    timeout: 120_000,
  });
  return "initdb";
}

async function openPglite(opts: DatabaseOptions): Promise<Database> {
  let dir: string | null = null;
  // A folder belongs to one process (src/db/data-dir-lock.ts); memory is private already.
  let lock: DataDirLock | undefined;
  if (!opts.inMemory) {
    const dataDir = opts.dataDir ?? "./data";
    dir = path.join(dataDir, "pglite");
    await mkdir(dir, { recursive: true });
    lock = await lockDataDir(dataDir);
  }
  // V8 tiers PGlite's hot functions up to optimised code, compiled on background threads and kept
  // beside the baseline copy: under posting load the service peaked at 316-355 MB that way, 276 MB
  // without (bench/RESULTS.md, part 4). Baseline code runs large scans slower (a grouped sum over a
  // million rows took 591-670 against 451-542 ms) and short statements no slower. V8 reads the
  // flag as it compiles each function: it must be set before the thread below loads PGlite.
  if (opts.pgliteBaselineWasm) v8.setFlagsFromString("--liftoff-only");
  const postgresqlconf = [`shared_buffers = '${opts.pgliteSharedBuffers ?? DEFAULT_PGLITE_SHARED_BUFFERS}'`];
  let thread: PgliteThread;
  try {
    if (dir && !existsSync(path.join(dir, "PG_VERSION"))) await createPgliteFolder(dir, postgresqlconf);
    thread = await startPgliteThread({ dataDir: dir, postgresqlconf });
  } catch (err) {
    await lock?.release();
    throw err;
  }
  const pool = new LanePool({
    max: 1,
    // PGlite ignores the names a session asks for; these only keep `pg` from reading $USER.
    user: "postgres",
    database: "postgres",
    stream: () => thread.connection(),
    // Its one session lives in this process and costs nothing idle: never closed for idling (pg
    // closed it after 10 s, and the next request opened a session and prepared its statements).
    idleTimeoutMillis: 0,
  });
  const held = new Set<number>();
  const db = overPool("pglite", pool, {
    // One embedded database belongs to one process: no other instance can race us.
    withMigrationLock: (fn) => fn(),
    async tryWithLock(key, fn) {
      if (held.has(key)) return undefined;
      held.add(key);
      try {
        return await fn();
      } finally {
        held.delete(key);
      }
    },
  });
  return {
    ...db,
    async close() {
      try {
        await db.close();
        await thread.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

/** Statement texts the direct client prepares: its few statements, with room to spare. */
const MAX_PREPARED = 32;

// The types Prisma's raw queries answer differently from pg: int8 as BigInt (pg: a string) and a
// date as UTC midnight (pg: local midnight, which moves the day back a day east of UTC).
const PRISMA_TYPES = {
  getTypeParser(oid: number, format?: string) {
    if (oid === pg.types.builtins.INT8) return (s: string) => BigInt(s);
    if (oid === pg.types.builtins.DATE) return (s: string) => new Date(`${s}T00:00:00.000Z`);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

/** Prisma, the script runner and the health check over a pool of either database. */
function overPool(
  kind: Database["kind"],
  pool: pg.Pool,
  locks: Pick<ScriptRunner, "withMigrationLock" | "tryWithLock">,
): Database {
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const raw: ScriptRunner = {
    ...locks,
    async query(sql, params = []) {
      return (await pool.query(sql, params)).rows;
    },
    async transaction(script, after) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query(script);
        await client.query(after.sql, after.params);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
  // On PostgreSQL each statement text is prepared once per connection, so the server parses and
  // plans a post's INSERT once, not on every post (about 80 µs each time). Not on PGlite: its pool
  // clients share one session, where a replaced client's statements would still be prepared.
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    if (kind !== "postgres") return undefined;
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED) {
      name = `dm_direct_${names.size}`;
      names.set(text, name);
    }
    return name;
  };
  const send = async <T>(text: string, values: unknown[]) =>
    (await pool.query({ name: nameOf(text), text, values, types: PRISMA_TYPES })).rows as T;
  const direct: RawSql = {
    $queryRaw<T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) {
      const q = Array.isArray(query)
        ? Prisma.sql(query as TemplateStringsArray, ...values)
        : (query as Prisma.Sql);
      return send<T>(q.text, q.values);
    },
    $queryRawUnsafe: <T>(query: string, ...values: unknown[]) => send<T>(query, values),
  };
  return {
    kind,
    prisma,
    raw,
    direct,
    async ping() {
      await pool.query("SELECT 1");
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
