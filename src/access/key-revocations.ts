// Tells this instance's API key cache when a key changes on any instance. A trigger on api_key
// (prisma/migrations/20261201090000_api_key_revocation) sends pg_notify('dm_api_keys', <key id>)
// whenever a key is revoked, deleted or changed, and PostgreSQL delivers it at commit to every
// session that LISTENs, whoever made the change (the API, a script, anyone with SQL). Each
// instance keeps one connection of its own for it: a pooled one would stop listening when returned.
//
// While that connection is not listening (before the first connect, after it dropped, while it
// reconnects) a notification would be lost for good, so the service is told not to trust its
// cache and asks the database on every request; once listening again the cache starts empty.
import pg from "pg";

export const KEY_CHANNEL = "dm_api_keys";

/** What the listener drives: the API key service's cache. */
export type RevocationSink = {
  forgetKey(keyId: string): void;
  trustCache(on: boolean): void;
};

export type RevocationLog = {
  info(meta: object, msg: string): void;
  warn(meta: object, msg: string): void;
};

export type KeyRevocationsOptions = {
  databaseUrl: string;
  sink: RevocationSink;
  log?: RevocationLog | undefined;
  /** Reconnect delays: the first, doubled at each failure up to the last (default 100 ms to 5 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * How often the idle connection is asked `SELECT 1` (default 5 s): a connection that died
   * without a word (a dropped network) is noticed within this and the same again, not never.
   */
  heartbeatMs?: number;
};

const silent: RevocationLog = { info: () => {}, warn: () => {} };

export function createKeyRevocations(opts: KeyRevocationsOptions) {
  const log = opts.log ?? silent;
  const baseMs = opts.retryBaseMs ?? 100;
  const maxMs = opts.retryMaxMs ?? 5_000;
  const heartbeatMs = opts.heartbeatMs ?? 5_000;

  let listening: pg.Client | null = null;
  let connecting: pg.Client | null = null;
  let closed = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let listens = 0;

  function scheduleConnect() {
    if (closed || retryTimer) return;
    // Jittered, so that instances cut off together do not all knock at once.
    const delay = Math.min(maxMs, baseMs * 2 ** failures) * (0.5 + Math.random() / 2);
    failures++;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
    retryTimer.unref();
  }

  function lose(client: pg.Client, err?: unknown) {
    if (client !== listening) return;
    listening = null;
    clearInterval(heartbeatTimer);
    opts.sink.trustCache(false);
    log.warn(
      { err },
      "API key revocations: lost the LISTEN connection; authenticating against the database until it is back",
    );
    client.end().catch(() => {});
    scheduleConnect();
  }

  async function beat(client: pg.Client) {
    let answered = false;
    const timeout = setTimeout(() => {
      if (!answered) lose(client, new Error(`no answer to the heartbeat within ${heartbeatMs} ms`));
    }, heartbeatMs);
    timeout.unref();
    try {
      await client.query("SELECT 1");
    } catch (err) {
      lose(client, err);
    } finally {
      answered = true;
      clearTimeout(timeout);
    }
  }

  /** One attempt; on failure the next is scheduled. Resolves true when listening. */
  async function connect(): Promise<boolean> {
    if (closed || listening || connecting) return listening !== null;
    const client = new pg.Client({
      connectionString: opts.databaseUrl,
      application_name: "dm-key-revocations",
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
    connecting = client;
    let dead = false;
    // Errors on this connection are never thrown at the process: they only mean "reconnect".
    client.on("error", (err) => {
      dead = true;
      lose(client, err);
    });
    client.on("end", () => {
      dead = true;
      lose(client);
    });
    client.on("notification", (n) => {
      if (n.channel === KEY_CHANNEL && n.payload) opts.sink.forgetKey(n.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${KEY_CHANNEL}`);
      if (dead) throw new Error("the connection ended while it began to listen");
    } catch (err) {
      connecting = null;
      client.end().catch(() => {});
      if (!closed) {
        log.warn({ err, attempt: failures + 1 }, "API key revocations: cannot LISTEN yet; retrying");
        scheduleConnect();
      }
      return false;
    }
    connecting = null;
    if (closed) {
      await client.end().catch(() => {});
      return false;
    }
    listening = client;
    failures = 0;
    listens++;
    // Whatever was cached before may have been revoked while nobody listened.
    opts.sink.trustCache(true);
    let beating = false;
    heartbeatTimer = setInterval(() => {
      if (beating) return;
      beating = true;
      void beat(client).finally(() => {
        beating = false;
      });
    }, heartbeatMs);
    heartbeatTimer.unref();
    log.info({ channel: KEY_CHANNEL }, "API key revocations: listening");
    return true;
  }

  return {
    /**
     * Starts listening; resolves after the first attempt, listening or not (a failed attempt is
     * retried in the background, the cache bypassed meanwhile). Never rejects.
     */
    async start(): Promise<boolean> {
      opts.sink.trustCache(false);
      return connect();
    },
    /** Whether notifications are being heard right now. */
    isListening: () => listening !== null,
    /** Times a LISTEN succeeded (the first, then each reconnect). */
    connections: () => listens,
    async close(): Promise<void> {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(heartbeatTimer);
      const clients = [listening, connecting].filter((c): c is pg.Client => c !== null);
      listening = null;
      connecting = null;
      opts.sink.trustCache(false);
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
    },
  };
}

export type KeyRevocations = ReturnType<typeof createKeyRevocations>;
