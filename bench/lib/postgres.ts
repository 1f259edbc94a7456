// The PostgreSQL server of the run: DATABASE_URL when set, else a throw-away one started with
// scripts/pg-test-server.sh (on 127.0.0.1, fsync off) and always stopped. Each benchmark works in
// a database of its own, created and dropped here.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { onCleanup } from "./cleanup.js";

const run = promisify(execFile);
const SCRIPT = resolve(import.meta.dirname, "../../scripts/pg-test-server.sh");

export type PgServer = {
  baseUrl: string;
  /** e.g. "PostgreSQL 15.18" */
  version: string;
  /** Started by this run (fsync=off, full_page_writes=off), or given by DATABASE_URL. */
  selfStarted: boolean;
  /** Settings that change performance figures, as the server reports them. */
  settings: Record<string, string>;
  stop(): Promise<void>;
};

export async function ensurePostgres(): Promise<PgServer> {
  let baseUrl = process.env.DATABASE_URL;
  let selfStarted = false;
  let stop = async () => {};
  if (!baseUrl) {
    const dir = await mkdtemp(join(tmpdir(), "dm-bench-pg-"));
    let stopped = false;
    stop = async () => {
      if (stopped) return;
      stopped = true;
      await run(SCRIPT, ["stop", dir], { timeout: 90_000 }).catch((err) =>
        console.error("could not stop the benchmark's PostgreSQL:", err),
      );
      await rm(dir, { recursive: true, force: true });
    };
    onCleanup("postgres", stop);
    const { stdout } = await run(SCRIPT, ["start", dir], { timeout: 180_000 });
    baseUrl = stdout.trim();
    selfStarted = true;
  }
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const v = await client.query<{ server_version: string }>("SHOW server_version");
    const settings: Record<string, string> = {};
    for (const name of [
      "fsync",
      "synchronous_commit",
      "shared_buffers",
      "work_mem",
      "max_connections",
      "jit",
    ]) {
      const r = await client.query<Record<string, string>>(`SHOW ${name}`);
      settings[name] = Object.values(r.rows[0] ?? {})[0] ?? "?";
    }
    return {
      baseUrl,
      version: `PostgreSQL ${v.rows[0]?.server_version.split(" ")[0]}`,
      selfStarted,
      settings,
      stop,
    };
  } finally {
    await client.end();
  }
}

function withDatabase(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh, empty database (dropped first if a previous run left it); dropped at cleanup. */
export async function freshDatabase(server: PgServer, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const admin = new pg.Client({ connectionString: server.baseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  onCleanup(`drop ${name}`, () => dropDatabase(server, name));
  return withDatabase(server.baseUrl, name);
}

export async function dropDatabase(server: PgServer, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: server.baseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
