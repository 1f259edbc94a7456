// PGlite on a thread of its own (src/db/pglite-worker.mjs): the HTTP thread only moves wire-protocol
// bytes, so /healthz and a single post keep answering while a national evaluation scans the
// ledger. Each `connection()` is a stream the `pg` driver takes in place of a TCP socket.
import { Duplex } from "node:stream";
import { Worker } from "node:worker_threads";

export type PgliteThreadOptions = { dataDir: string | null; postgresqlconf: string[] };

type FromWorker =
  | { type: "ready" }
  | { type: "failed"; message: string }
  | { type: "data"; id: number; bytes: Uint8Array }
  | { type: "broken"; id: number | undefined; message: string }
  | { type: "closed" };

export type PgliteThread = {
  /** A new session; PGlite has one, so the pool over it holds one connection. */
  connection(): Duplex;
  /** Closes PGlite (its files flushed) and ends the thread. */
  close(): Promise<void>;
};

// The worker is plain JavaScript beside this file; the bundle (dist/server) sits as deep below the
// root as src/db does, so this one path finds it from both.
const WORKER_URL = new URL("../../src/db/pglite-worker.mjs", import.meta.url);

export async function startPgliteThread(opts: PgliteThreadOptions): Promise<PgliteThread> {
  const worker = new Worker(WORKER_URL, { workerData: opts, execArgv: [] });
  const streams = new Map<number, WireStream>();
  let nextId = 1;
  let exited: Error | undefined;
  let onClosed: (() => void) | undefined;

  await new Promise<void>((resolve, reject) => {
    worker.on("message", (msg: FromWorker) => {
      switch (msg.type) {
        case "ready":
          return resolve();
        case "failed":
          return reject(new Error(`the embedded database did not start: ${msg.message}`));
        case "data":
          return streams
            .get(msg.id)
            ?.push(Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.length));
        case "broken":
          if (msg.id !== undefined)
            streams.get(msg.id)?.destroy(new Error(`embedded database: ${msg.message}`));
          return;
        case "closed":
          return onClosed?.();
      }
    });
    worker.on("error", (err) => {
      exited = err;
      reject(err);
    });
    worker.on("exit", (code) => {
      exited ??= new Error(`the embedded database's thread stopped (exit ${code})`);
      reject(exited);
      for (const s of streams.values()) s.destroy(exited);
      onClosed?.();
    });
  });

  return {
    connection() {
      const id = nextId++;
      const stream = new WireStream(
        (bytes) => {
          if (exited) throw exited;
          // A copy of our own to hand over: pg's buffers may be slices of a shared pool.
          const copy = new Uint8Array(bytes);
          worker.postMessage({ type: "data", id, bytes: copy }, [copy.buffer]);
        },
        () => {
          if (exited) throw exited;
          worker.postMessage({ type: "open", id });
        },
        () => {
          streams.delete(id);
          if (!exited) worker.postMessage({ type: "close", id });
        },
      );
      streams.set(id, stream);
      return stream;
    },
    async close() {
      if (exited) return;
      const closed = new Promise<void>((resolve) => {
        onClosed = resolve;
      });
      worker.postMessage({ type: "shutdown" });
      await closed;
      await worker.terminate();
    },
  };
}

/** What `pg` needs of a socket: connect, write, data, end, close. */
class WireStream extends Duplex {
  constructor(
    private readonly send: (bytes: Uint8Array) => void,
    private readonly open: () => void,
    private readonly onClosed: () => void,
  ) {
    super();
  }

  connect(): this {
    try {
      this.open();
      process.nextTick(() => this.emit("connect"));
    } catch (err) {
      process.nextTick(() => this.destroy(err as Error));
    }
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  /** What the driver wrote in this tick, sent as one message at its end. */
  private queued: Buffer[] = [];

  // The driver writes a query's Parse, Bind, Describe, Execute and Sync one by one in the same
  // tick: one hop to the thread for all of them, not five.
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.queued.push(chunk) === 1) queueMicrotask(() => this.flushQueued());
    done();
  }

  private flushQueued(): void {
    const chunks = this.queued;
    this.queued = [];
    try {
      this.send(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    } catch (err) {
      this.destroy(err as Error);
    }
  }

  override _read(): void {}

  override _final(done: (err?: Error | null) => void): void {
    // The client ended its side: ours ends too, and the stream closes.
    this.push(null);
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.onClosed();
    done(err);
  }
}
