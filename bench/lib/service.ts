// The real service as a child process, started exactly as `npm start` does (the command of the
// `start` script in package.json, after its `prestart` build), timed from spawn to the first 200
// from /healthz, and its memory read from /proc/PID/status.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { onCleanup, trackChild } from "./cleanup.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** `npm start`'s command, as node arguments: package.json's `start` script less its leading `node`. */
export function startCommand(): { args: string[]; text: string } {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const text = pkg.scripts.start!;
  const [node, ...args] = text.split(/\s+/);
  if (node !== "node") throw new Error(`the start script does not begin with node: ${text}`);
  return { args, text };
}

let built = false;
/** Runs the `prestart` build once per benchmark run, as `npm start` would before each start. */
function buildOnce(): void {
  if (built) return;
  execFileSync(process.execPath, ["scripts/build-server.mjs"], { cwd: ROOT, stdio: "inherit" });
  built = true;
}

export const BENCH_ADMIN_KEY = "bench-admin-key-0123456789abcdef0123";

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

export type Memory = { hwmKb: number; rssKb: number };

/** Peak (VmHWM) and current (VmRSS) resident memory of a process, in kB. */
export async function memoryOf(pid: number): Promise<Memory> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { hwmKb: kb("VmHWM"), rssKb: kb("VmRSS") };
}

export type Service = {
  pid: number;
  url: string;
  /** Spawn to the first 200 from GET /healthz. */
  startMs: number;
  memory(): Promise<Memory>;
  /** The last lines the process wrote (for error reports). */
  output(): string;
  stop(): Promise<void>;
};

export type ServiceEnv = {
  dataDir: string;
  databaseUrl?: string;
  /** Extra variables (LOG_LEVEL, MAX_BATCH_SIZE, ...). */
  extra?: Record<string, string>;
  /** Extra node flags before the start script's own (e.g. --cpu-prof for profiling). */
  nodeArgs?: string[];
};

export async function startService(env: ServiceEnv, readyTimeoutMs = 60_000): Promise<Service> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let tail = "";
  const keep = (s: string) => {
    tail = (tail + s).slice(-8000);
  };
  buildOnce();
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...(env.nodeArgs ?? []), ...startCommand().args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: "production",
      DATA_DIR: env.dataDir,
      ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
      ADMIN_API_KEY: BENCH_ADMIN_KEY,
      // The benchmark posts far faster than any real client; the limit is not what is measured.
      RATE_LIMIT_WRITES_PER_MINUTE: "1000000",
      // No 07:00 evaluation nor sender wake-ups during a measurement.
      SCHEDULER_ENABLED: "false",
      LOG_LEVEL: "warn",
      ...env.extra,
      HOST: "127.0.0.1",
      PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  trackChild(child);
  child.stdout!.setEncoding("utf8").on("data", keep);
  child.stderr!.setEncoding("utf8").on("data", keep);
  let exited = false;
  const exit = new Promise<void>((ok) =>
    child.once("exit", () => {
      exited = true;
      ok();
    }),
  );
  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exit;
    clearTimeout(timer);
  };
  const unregister = onCleanup(`service ${child.pid}`, stop);

  const deadline = t0 + readyTimeoutMs;
  let startMs = Number.NaN;
  for (;;) {
    if (exited) throw new Error(`the service exited before it was ready:\n${tail}`);
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      startMs = performance.now() - t0;
      break;
    }
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`the service was not ready after ${readyTimeoutMs} ms:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    pid: child.pid!,
    url,
    startMs,
    memory: () => memoryOf(child.pid!),
    output: () => tail,
    async stop() {
      unregister();
      await stop();
    },
  };
}

/** The service's command line as a report shows it: extra flags of the run, then the start script's. */
export function serviceCommand(ctx: { opts: { serviceNodeArgs: string[] } }): string {
  return ["node", ...ctx.opts.serviceNodeArgs, ...startCommand().args].join(" ");
}
