// Whatever the runner starts (PostgreSQL, service processes, SMTP servers) is stopped on every
// way out: normal end, an error, Ctrl-C, SIGTERM, or the runner's own time limit.
import type { ChildProcess } from "node:child_process";

type Task = { name: string; fn: () => Promise<void> | void };

const tasks: Task[] = [];
const children = new Set<ChildProcess>();

/** Registers `fn` to run at the end (last registered, first run); returns an unregister. */
export function onCleanup(name: string, fn: () => Promise<void> | void): () => void {
  const task = { name, fn };
  tasks.push(task);
  return () => {
    const i = tasks.indexOf(task);
    if (i >= 0) tasks.splice(i, 1);
  };
}

/** A child killed with SIGKILL should the runner exit without stopping it. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once("exit", () => children.delete(child));
}

let running: Promise<void> | null = null;

export function runCleanup(): Promise<void> {
  running ??= (async () => {
    while (tasks.length > 0) {
      const task = tasks.pop()!;
      try {
        await Promise.race([task.fn(), new Promise((r) => setTimeout(r, 90_000).unref())]);
      } catch (err) {
        console.error(`cleanup ${task.name} failed:`, err);
      }
    }
    for (const c of children) c.kill("SIGKILL");
  })();
  return running;
}

export function installExitHandlers(): void {
  process.once("exit", () => {
    for (const c of children) c.kill("SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping everything the benchmark started`);
      void runCleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
}
