// The SMTP sink of the e-mail benchmark: smtp-server in a worker thread on 127.0.0.1.
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { onCleanup } from "./cleanup.js";

export type SinkStats = { total: number; distinct: number; withoutId: number; bytes: number };

export type SmtpSink = {
  url: string;
  stats(): Promise<SinkStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
};

export async function startSmtpSink(): Promise<SmtpSink> {
  const worker = new Worker(new URL("./smtp-sink-worker.mjs", import.meta.url));
  const ask = async <T>(type: string): Promise<T> => {
    const reply = new Promise<T>((ok) => {
      const on = (msg: { type: string }) => {
        if (msg.type === type || (type === "close" && msg.type === "closed")) {
          worker.off("message", on);
          ok(msg as T);
        }
      };
      worker.on("message", on);
    });
    worker.postMessage({ type });
    return reply;
  };
  const [first] = (await once(worker, "message")) as [{ type: string; port: number }];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.race([ask("close"), new Promise((r) => setTimeout(r, 2000))]);
    await worker.terminate();
  };
  const unregister = onCleanup("smtp sink", close);
  return {
    url: `smtp://127.0.0.1:${first.port}`,
    stats: () => ask<SinkStats>("stats"),
    reset: async () => {
      await ask("reset");
    },
    async close() {
      unregister();
      await close();
    },
  };
}
