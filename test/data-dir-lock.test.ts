// Issue 12.8: one process per embedded database. The real service holds its DATA_DIR; the real
// scripts (db:migrate, seed:demo) stop at once naming it; once it is killed, its lock is taken over.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir, lockFileOf } from "../src/db/data-dir-lock.js";
import { openDatabase } from "../src/db/database.js";
import { startService } from "./helpers/service-process.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dm-lock-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs a real script of the project against `dataDir`: its exit code and output. */
function runScript(script: string, dataDir: string) {
  return new Promise<{ code: number | null; out: string; err: string; ms: number }>((ok) => {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? tmpdir(),
        DATA_DIR: dataDir,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (out += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (err += s));
    child.once("exit", (code) => ok({ code, out, err, ms: Date.now() - started }));
  });
}

describe("two real processes on one data folder", () => {
  it("stops db:migrate and seed:demo while the service runs, naming it, and takes over after a crash", async () => {
    const service = await startService({ name: "lock", env: { DATA_DIR: dir } });
    try {
      const lock = JSON.parse(await readFile(lockFileOf(dir), "utf8")) as { pid: number; hostname: string };
      expect(lock).toMatchObject({ pid: service.pid, hostname: hostname() });
      for (const script of ["scripts/db-migrate.ts", "scripts/seed-demo.ts"]) {
        const r = await runScript(script, dir);
        expect(r.code, `${script}: ${r.out} ${r.err}`).toBe(75);
        expect(r.err).toContain(`in use by process ${service.pid} on ${hostname()}`);
        expect(r.err).toContain(lockFileOf(dir));
        expect(r.out).not.toContain("seeded");
      }
      // The service never noticed: it still answers, its lock still in place.
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
      expect(existsSync(lockFileOf(dir))).toBe(true);
    } finally {
      process.kill(service.pid, "SIGKILL");
      await service.exited;
    }
    // Killed: its lock is left behind, naming a process that no longer runs.
    expect(existsSync(lockFileOf(dir))).toBe(true);
    const after = await runScript("scripts/db-migrate.ts", dir);
    expect(after.code, after.err).toBe(0);
    expect(after.out).toContain("pglite:");
    // And released on the way out.
    expect(existsSync(lockFileOf(dir))).toBe(false);
  }, 120_000);
});

describe("the lock in one process", () => {
  it("is refused a second time until released, and the embedded database in memory takes none", async () => {
    const d = await mkdtemp(join(tmpdir(), "dm-lock-own-"));
    try {
      const first = await lockDataDir(d);
      await expect(lockDataDir(d)).rejects.toBeInstanceOf(DataDirLockedError);
      await expect(openDatabase({ dataDir: d })).rejects.toThrow(/in use by process/);
      await first.release();
      const db = await openDatabase({ dataDir: d });
      expect(existsSync(lockFileOf(d))).toBe(true);
      const mem = await openDatabase({ inMemory: true });
      await mem.close();
      await db.close();
      expect(existsSync(lockFileOf(d))).toBe(false);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it("lets exactly one of many newcomers take over a stale lock", async () => {
    const d = await mkdtemp(join(tmpdir(), "dm-lock-stale-"));
    try {
      // A pid far above any the kernel hands out: no such process.
      const stale = {
        pid: 2 ** 30,
        hostname: hostname(),
        startedAt: "2022-01-01T00:00:00Z",
        command: "x",
        token: "t",
      };
      await writeFile(lockFileOf(d), JSON.stringify(stale));
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => lockDataDir(d)));
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      for (const r of results)
        if (r.status === "rejected") expect(r.reason).toBeInstanceOf(DataDirLockedError);
      const held = JSON.parse(await readFile(lockFileOf(d), "utf8")) as { pid: number };
      expect(held.pid).toBe(process.pid);
      await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof lockDataDir>>>).value.release();
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it("does not take over a lock of another machine or of a live process", async () => {
    const d = await mkdtemp(join(tmpdir(), "dm-lock-live-"));
    try {
      for (const holder of [
        {
          pid: 2 ** 30,
          hostname: "another-host",
          startedAt: "2022-01-01T00:00:00Z",
          command: "x",
          token: "t",
        },
        {
          pid: process.ppid,
          hostname: hostname(),
          startedAt: "2022-01-01T00:00:00Z",
          command: "x",
          token: "t",
        },
      ]) {
        await writeFile(lockFileOf(d), JSON.stringify(holder));
        await expect(lockDataDir(d)).rejects.toThrow(`in use by process ${holder.pid} on ${holder.hostname}`);
      }
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
