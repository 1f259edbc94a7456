// One process per embedded database. PGlite has no server to arbitrate between processes: two
// of them on one folder each keep their own copy in memory and the last to close overwrites the
// other's work (issue 12.8: a demo seeded beside a running service was lost when it stopped).
// So whoever opens the folder first holds a lock file in it, created with O_EXCL; a newcomer
// stops at once naming the holder. A lock left by a dead process on this machine is taken over.
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { open, readFile, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";

export type LockHolder = { pid: number; hostname: string; startedAt: string; command: string; token: string };

export class DataDirLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder
      ? `process ${holder.pid} on ${holder.hostname}, started ${holder.startedAt} (${holder.command})`
      : "another process (its lock file is being written)";
    super(
      `the embedded database in ${path.dirname(lockFile)} is in use by ${who}. ` +
        "Only one process may open it at a time: stop that process first (or, for the demo data, " +
        "seed it before starting the service, or point DATABASE_URL at PostgreSQL to share one " +
        `database). If that process no longer runs, delete ${lockFile}.`,
    );
    this.name = "DataDirLockedError";
  }
}

export type DataDirLock = { file: string; release(): Promise<void> };

/** The lock file of a data folder (DATA_DIR): beside the pglite folder, not inside it. */
export const lockFileOf = (dataDir: string) => path.join(dataDir, "pglite.lock");

// A lock file is written in one call right after it is created; one still empty or unreadable
// after this long was left by a process that died in between.
const UNWRITTEN_GRACE_MS = 10_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Creates `file` only if it does not exist, with `text` in it. */
async function createExclusive(file: string, text: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "wx", 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

type Seen = { holder: LockHolder | null; text: string; ageMs: number } | "gone";

async function readLock(file: string): Promise<Seen> {
  try {
    const [text, st] = await Promise.all([readFile(file, "utf8"), stat(file)]);
    let holder: LockHolder | null = null;
    try {
      const h = JSON.parse(text) as Partial<LockHolder>;
      if (typeof h.pid === "number" && typeof h.hostname === "string") holder = h as LockHolder;
    } catch {
      // Not written yet, or not ours: judged by its age below.
    }
    return { holder, text, ageMs: Date.now() - st.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    throw e;
  }
}

/** Left by a process that is gone: a dead pid on this machine, or never written and old. */
function isStale(seen: Exclude<Seen, "gone">): boolean {
  if (!seen.holder) return seen.ageMs > UNWRITTEN_GRACE_MS;
  // Our own pid, written before this process started: an earlier run of the service with the same
  // pid, as after a container restart (pid 1 again, and often a new hostname). Without this the
  // service would refuse to start on its own volume after any crash in a container.
  const startedMs = Date.now() - process.uptime() * 1000;
  if (seen.holder.pid === process.pid && Date.parse(seen.holder.startedAt) < startedMs - 1000) return true;
  // On another machine (a shared folder) we cannot tell: only a person can say it is gone.
  return seen.holder.hostname === hostname() && seen.holder.pid !== process.pid && !isAlive(seen.holder.pid);
}

/**
 * Removes a stale lock, under a second exclusive file so that two newcomers never both remove
 * it (the second would remove the first one's fresh lock).
 */
async function takeOver(file: string, stale: string): Promise<void> {
  const guard = `${file}.takeover`;
  if (!(await createExclusive(guard, String(process.pid)))) {
    // Another newcomer is taking over; a guard this old was left by one that died doing it.
    const st = await stat(guard).catch(() => null);
    if (st && Date.now() - st.mtimeMs > UNWRITTEN_GRACE_MS) await rm(guard, { force: true });
    return;
  }
  try {
    const now = await readLock(file);
    // Still the same stale lock (not one a faster newcomer has just made): remove it.
    if (now !== "gone" && now.text === stale) await rm(file, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

/** Takes the folder's lock, or throws DataDirLockedError naming the process that holds it. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const file = lockFileOf(dataDir);
  const me: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv
      .slice(1)
      .map((a) => path.basename(a))
      .join(" ")
      .slice(0, 200),
    token: randomUUID(),
  };
  const text = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 20; attempt++) {
    if (await createExclusive(file, text)) return held(file, text);
    const seen = await readLock(file);
    if (seen === "gone") continue;
    if (!isStale(seen)) throw new DataDirLockedError(file, seen.holder);
    await takeOver(file, seen.text);
    await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
  }
  const last = await readLock(file);
  throw new DataDirLockedError(file, last === "gone" ? null : last.holder);
}

function held(file: string, text: string): DataDirLock {
  // Removed only while it is still ours; the exit hook covers a process that never closes.
  const removeIfOurs = () => {
    try {
      if (readFileSync(file, "utf8") === text) rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  };
  process.once("exit", removeIfOurs);
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      process.off("exit", removeIfOurs);
      const now = await readLock(file);
      if (now !== "gone" && now.text === text) await rm(file, { force: true });
    },
  };
}
