// The real service as a child process (`node --import tsx src/main.ts`), for tests that need
// several instances. Every process started here is stopped by `stopAllServices()` and, should the
// test runner itself die, killed when it exits: no orphan keeps a port or a database open.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

export type ServiceProcess = {
  name: string;
  pid: number;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** Everything the process wrote so far (pino writes JSON lines to stdout). */
  stdout(): string;
  stderr(): string;
  /** Log lines at pino level `error` (50) or worse, parsed. */
  errorLogs(): Array<Record<string, unknown>>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the process is gone. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

const running = new Set<ServiceProcess>();
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/** A port that was free a moment ago (listen on 0, read it, close). */
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

/**
 * A fresh embedded database is created (initdb, then every migration) before the service is
 * ready: about 9 s on this 2-core machine when quiet, over 30 s when other suites share it.
 */
const READY_TIMEOUT_MS = 60_000;

export type StartOptions = {
  name: string;
  /** The service's environment (DATABASE_URL, SMTP_URL, ...); PORT and HOST are set here. */
  env: Record<string, string>;
  /** How long to wait for GET /healthz to answer 200. */
  readyTimeoutMs?: number;
  /** Node arguments; by default the TypeScript sources through tsx. */
  nodeArgs?: string[];
};

export async function startService(opts: StartOptions): Promise<ServiceProcess> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), `dm-${opts.name}-`));
  const child = spawn(process.execPath, opts.nodeArgs ?? ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    // A clean environment: nothing of the test runner's (its DATABASE_URL is the server's base URL).
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: "production",
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      ...opts.env,
      HOST: "127.0.0.1",
      PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (out += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (err += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    child.once("exit", (code, signal) => {
      children.delete(child);
      void rm(dataDir, { recursive: true, force: true });
      ok({ code, signal });
    }),
  );
  let gone = false;
  void exited.then(() => (gone = true));

  const service: ServiceProcess = {
    name: opts.name,
    pid: child.pid!,
    port,
    url: `http://127.0.0.1:${port}`,
    stdout: () => out,
    stderr: () => err,
    errorLogs: () =>
      out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return { level: 0 };
          }
        })
        .filter((l) => typeof l.level === "number" && l.level >= 50),
    exited,
    async stop(timeoutMs = 15_000) {
      running.delete(service);
      if (!gone) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      }
      return exited;
    },
  };
  running.add(service);

  const deadline = Date.now() + (opts.readyTimeoutMs ?? READY_TIMEOUT_MS);
  for (;;) {
    if (gone) {
      const { code, signal } = await exited;
      throw new Error(`${opts.name} exited (${code ?? signal}) before it was ready:\n${err}\n${out}`);
    }
    const ok = await fetch(`${service.url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return service;
    if (Date.now() > deadline) {
      await service.stop(2_000);
      throw new Error(
        `${opts.name} not ready after ${opts.readyTimeoutMs ?? READY_TIMEOUT_MS} ms:\n${err}\n${out}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops every service started here and not stopped yet. */
export async function stopAllServices(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}
