// PostgreSQL for the fault cases: a throw-away server of our own (scripts/pg-test-server.sh),
// which case 3 stops and starts again on the SAME port so the service's DATABASE_URL stays
// valid (the script's own `start` picks a new free port), and fresh migrated databases on it.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { type Database, openDatabase } from "../../../src/db/database.js";
import { migrate } from "../../../src/db/migrator.js";
import { recordFigures } from "./figures.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../../..");
const SCRIPT = join(ROOT, "scripts/pg-test-server.sh");

function pgBin(): string | null {
  const fixed = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";
  if (existsSync(join(fixed, "initdb"))) return fixed;
  for (const dir of (process.env.PATH ?? "").split(":"))
    if (dir && existsSync(join(dir, "initdb"))) return dir;
  return null;
}

/** Whether this machine can start a PostgreSQL server of its own (initdb and pg_ctl present). */
export const canStartPostgres = (): boolean => pgBin() !== null;

/** Says, in the test output and in the figures, why a case that needs PostgreSQL does not run. */
export function warnSkipped(id: string, title: string, why: "no-server" | "no-binaries"): void {
  const reason =
    why === "no-server"
      ? "no PostgreSQL server (DATABASE_URL is unset and initdb was not found; install postgresql-15 or set DATABASE_URL)"
      : "it stops and starts a PostgreSQL server of its own, and initdb/pg_ctl were not found (install postgresql-15)";
  console.warn(`SKIPPED ${id} (${title}): ${reason}`);
  recordFigures({
    id,
    title,
    database: "postgres",
    casesRun: 0,
    faultsInjected: 0,
    durationMs: 0,
    details: {},
    skipped: why === "no-server" ? "no PostgreSQL" : "no initdb/pg_ctl",
  });
}

export type PgServer = {
  url: string;
  port: number;
  dir: string;
  /**
   * `pg_ctl stop`: "fast" terminates open connections and shuts down cleanly; "immediate" kills
   * every server process at once, as a crash would (recovery runs at the next start).
   */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Starts the stopped server again on the same port. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
};

/** Runs a command as the cluster's owner: `postgres` when we are root (PostgreSQL refuses root). */
function asOwner(cmd: string, args: string[]) {
  return process.getuid?.() === 0
    ? run("runuser", ["-u", "postgres", "--", cmd, ...args], { cwd: "/" })
    : run(cmd, args);
}

export async function startPgServer(): Promise<PgServer> {
  // The Unix socket lives in the folder: keep its path short.
  const dir = await mkdtemp("/tmp/dmf-pg-");
  const { stdout } = await run(SCRIPT, ["start", dir], { timeout: 120_000 });
  const url = stdout.trim().split("\n").at(-1)!;
  const port = Number((await readFile(join(dir, "port"), "utf8")).trim());
  const bin = pgBin()!;
  let destroyed = false;
  return {
    url,
    port,
    dir,
    async stop(mode = "fast") {
      await asOwner(join(bin, "pg_ctl"), ["-D", join(dir, "pgdata"), "-m", mode, "-w", "-t", "60", "stop"]);
    },
    async start() {
      await asOwner(join(bin, "pg_ctl"), [
        "-D",
        join(dir, "pgdata"),
        "-l",
        join(dir, "server.log"),
        "-w",
        "-t",
        "60",
        "-o",
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
        "start",
      ]);
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await run(SCRIPT, ["stop", dir], { timeout: 120_000 }).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function urlWithDatabase(base: string, database: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

export type FreshDatabase = { url: string; name: string; db: Database; drop(): Promise<void> };

/** A new, migrated database on the server of `baseUrl`, with a Prisma client open on it. */
export async function freshDatabase(baseUrl: string): Promise<FreshDatabase> {
  const name = `dm_faults_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = urlWithDatabase(baseUrl, name);
  const db = await openDatabase({ databaseUrl: url });
  await migrate(db.raw);
  let dropped = false;
  return {
    url,
    name,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.close().catch(() => {});
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
