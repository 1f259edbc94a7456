// The embedded database's own thread: PGlite runs here, so a heavy query never blocks the thread
// that serves HTTP. The service talks to it in the PostgreSQL wire protocol over a MessagePort
// (src/db/pglite-thread.ts), so the same `pg` driver and Prisma adapter serve both databases.
// Plain JavaScript: a worker file must load without a TypeScript loader, in the bundle too.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const TERMINATE = 0x58; // 'X'

/** @type {{ dataDir: string | null, postgresqlconf: string[] }} */
const options = workerData;
const port = parentPort;
if (!port) throw new Error("pglite-worker must run as a worker thread");

let db;
try {
  db = options.dataDir
    ? new PGlite(options.dataDir, { postgresqlconf: options.postgresqlconf })
    : new PGlite({ postgresqlconf: options.postgresqlconf });
  await db.waitReady;
  port.postMessage({ type: "ready" });
} catch (err) {
  port.postMessage({ type: "failed", message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}

/** The connection whose messages are being answered; PGlite has one session. */
let current = null;
/** Work runs strictly in order: each wire message, each connection reset. */
let queue = Promise.resolve();
const enqueue = (fn) => {
  queue = queue.then(fn).catch((err) => {
    // The connection cannot know where its answer stopped: the service drops it and opens another.
    const id = current?.id;
    current = null;
    port.postMessage({ type: "broken", id, message: err instanceof Error ? err.message : String(err) });
  });
};

/** A new or closed connection must not inherit an open transaction from the last one. */
async function resetSession() {
  if (db.isInTransaction()) await db.exec("ROLLBACK");
}

function connection(id) {
  let pending = Buffer.alloc(0);
  let started = false;
  return {
    id,
    push(bytes) {
      pending = pending.length ? Buffer.concat([pending, bytes]) : Buffer.from(bytes);
      // The driver writes a query's Parse, Bind, Describe, Execute and Sync at once: PGlite runs
      // them in one call (its main loop reads until the input is spent), not one call each.
      let run = [];
      const flush = () => {
        if (run.length === 0) return;
        const bytes = run.length === 1 ? run[0] : Buffer.concat(run);
        run = [];
        enqueue(() => this.run({ kind: "message", bytes }));
      };
      for (;;) {
        const message = this.next();
        if (!message) return flush();
        if (message.kind === "message") {
          run.push(message.bytes);
          continue;
        }
        flush();
        enqueue(() => this.run(message));
      }
    },
    /** One whole protocol message off the front of `pending`, or null. */
    next() {
      if (!started) {
        if (pending.length < 8) return null;
        const length = pending.readInt32BE(0);
        if (pending.length < length) return null;
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        const code = message.readInt32BE(4);
        if (code === SSL_REQUEST) return { kind: "ssl" };
        if (code === CANCEL_REQUEST) return { kind: "ignore" };
        started = true;
        return { kind: "startup", bytes: message };
      }
      if (pending.length < 5) return null;
      const length = 1 + pending.readInt32BE(1);
      if (pending.length < length) return null;
      const message = pending.subarray(0, length);
      pending = pending.subarray(length);
      if (message[0] === TERMINATE) return { kind: "terminate" };
      return { kind: "message", bytes: message };
    },
    async run(message) {
      if (current !== this) return;
      if (message.kind === "ssl") return send(id, Buffer.from("N"));
      if (message.kind === "ignore") return;
      if (message.kind === "terminate") return resetSession();
      await db.runExclusive(() =>
        db.execProtocolRawStream(new Uint8Array(message.bytes), { onRawData: (data) => send(id, data) }),
      );
    },
  };
}

function send(id, data) {
  // A copy of our own, so its buffer can be handed over without copying again.
  const copy = new Uint8Array(data);
  port.postMessage({ type: "data", id, bytes: copy }, [copy.buffer]);
}

port.on("message", (msg) => {
  switch (msg.type) {
    case "open":
      enqueue(async () => {
        await resetSession();
        current = connection(msg.id);
      });
      break;
    case "data":
      enqueue(() => current?.id === msg.id && current.push(Buffer.from(msg.bytes)));
      break;
    case "close":
      enqueue(async () => {
        if (current?.id !== msg.id) return;
        current = null;
        await resetSession();
      });
      break;
    case "shutdown":
      enqueue(async () => {
        current = null;
        await db.close();
        port.postMessage({ type: "closed" });
        port.close();
      });
      break;
  }
});
