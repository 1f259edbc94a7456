// A real SMTP server (smtp-server on 127.0.0.1) that misbehaves at random from a seed: 451 at
// RCPT or DATA, a permanent 5xx at DATA, slow answers, and outages (it stops listening, and a
// transaction in flight is answered 421 instead of being accepted). It keeps what it accepted
// and which Message-IDs it refused for good, so a case can check each message's fate exactly.
//
// It accepts a message (and records it) only at the moment it answers 250, and never cuts a
// connection after that answer: nothing it injects can make the client miss a 250 it sent, so
// every duplicate seen here is the sender's doing. Delays stay below the client's timeout.
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import { createRng } from "./prng.js";

export type ChaosSettings = {
  /** Chance that a mail transaction is refused with 451 at RCPT (every recipient of it). */
  rcpt4xx: number;
  /** Chance that a message is refused with 451 at the end of DATA. */
  data4xx: number;
  /** Chance that a message is refused for good (550/552/554) at the end of DATA. */
  data5xx: number;
  /** Each DATA answer waits a random 0..maxDelayMs. */
  maxDelayMs: number;
};

export const CALM: ChaosSettings = { rcpt4xx: 0, data4xx: 0, data5xx: 0, maxDelayMs: 0 };

export type AcceptedMail = {
  messageId: string;
  envelopeTo: string[];
  subject: string;
  text: string;
  to: string[];
  cc: string[];
  receivedAt: number;
};

export type ChaosCounts = {
  connections: number;
  transactions: number;
  rcpt4xx: number;
  data4xx: number;
  data5xx: number;
  delayed: number;
  delayMsTotal: number;
  outages: number;
  outageMsTotal: number;
  /** Transactions in flight when an outage began, answered 421 instead of 250. */
  abortedByOutage: number;
  /** Connections the client reset or dropped. */
  connectionErrors: number;
};

const PERMANENT = [
  { code: 550, message: "5.7.1 Từ chối nhận thư / message refused" },
  { code: 552, message: "5.3.4 Thư quá lớn / message too big for system" },
  { code: 554, message: "5.6.0 Nội dung không hợp lệ / transaction failed" },
];
const TEMPORARY = { code: 451, message: "4.3.0 Hệ thống bận, thử lại sau / try again later" };
const SHUTTING_DOWN = { code: 421, message: "4.3.2 Máy chủ đang tắt / service not available" };

const replyError = (r: { code: number; message: string }) =>
  Object.assign(new Error(r.message), { responseCode: r.code });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function addresses(field: unknown): string[] {
  if (!field) return [];
  const list = (Array.isArray(field) ? field : [field]) as { value: { address?: string }[] }[];
  return list.flatMap((a) => a.value.map((v) => (v.address ?? "").toLowerCase()));
}

export type ChaosSmtpServer = Awaited<ReturnType<typeof startChaosSmtpServer>>;

export async function startChaosSmtpServer(seed: number, initial: Partial<ChaosSettings> = {}) {
  const rng = createRng(seed);
  let settings: ChaosSettings = { ...CALM, ...initial };
  const accepted: AcceptedMail[] = [];
  /** Message-IDs answered with a permanent failure. */
  const refused = new Map<string, number>();
  const counts: ChaosCounts = {
    connections: 0,
    transactions: 0,
    rcpt4xx: 0,
    data4xx: 0,
    data5xx: 0,
    delayed: 0,
    delayMsTotal: 0,
    outages: 0,
    outageMsTotal: 0,
    abortedByOutage: 0,
    connectionErrors: 0,
  };
  let down = false;
  let downSince = 0;
  /** Transactions refused at RCPT: every later RCPT of the same one is refused too (no cc gets it alone). */
  const failedAtRcpt = new Set<string>();
  const transactionOf = new Map<string, number>();
  let seq = 0;

  function createServer(): SMTPServer {
    const s = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      closeTimeout: 50,
      size: 10 * 1024 * 1024,
      onConnect(_s, cb) {
        counts.connections += 1;
        cb();
      },
      onMailFrom(_a, session: SMTPServerSession, cb) {
        if (down) return cb(replyError(SHUTTING_DOWN));
        seq += 1;
        counts.transactions += 1;
        transactionOf.set(session.id, seq);
        cb();
      },
      onClose(session) {
        transactionOf.delete(session.id);
      },
      onRcptTo(_a, session, cb) {
        if (down) return cb(replyError(SHUTTING_DOWN));
        const tx = `${session.id}:${transactionOf.get(session.id)}`;
        if (failedAtRcpt.has(tx)) return cb(replyError(TEMPORARY));
        if (rng.chance(settings.rcpt4xx)) {
          failedAtRcpt.add(tx);
          counts.rcpt4xx += 1;
          return cb(replyError(TEMPORARY));
        }
        cb();
      },
      onData(stream, session, cb) {
        // Decide before reading, so that the draw order does not depend on parsing time.
        const roll = rng.next();
        const delay = settings.maxDelayMs > 0 ? rng.int(0, settings.maxDelayMs) : 0;
        const permanent = rng.pick(PERMANENT);
        simpleParser(stream).then(
          async (parsed) => {
            if (delay > 0) {
              counts.delayed += 1;
              counts.delayMsTotal += delay;
              await sleep(delay);
            }
            const messageId = parsed.messageId ?? "";
            if (down) {
              counts.abortedByOutage += 1;
              return cb(replyError(SHUTTING_DOWN));
            }
            if (roll < settings.data5xx) {
              counts.data5xx += 1;
              refused.set(messageId, (refused.get(messageId) ?? 0) + 1);
              return cb(replyError(permanent));
            }
            if (roll < settings.data5xx + settings.data4xx) {
              counts.data4xx += 1;
              return cb(replyError(TEMPORARY));
            }
            accepted.push({
              messageId,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              to: addresses(parsed.to),
              cc: addresses(parsed.cc),
              receivedAt: Date.now(),
            });
            cb();
          },
          (err: Error) => cb(err),
        );
      },
    });
    // A client that dies mid-conversation (a SIGKILLed service) resets its connection: that is
    // the client's fault being injected, not the server's; without a listener it would throw.
    s.on("error", () => {
      counts.connectionErrors += 1;
    });
    return s;
  }

  async function listen(s: SMTPServer, port: number): Promise<number> {
    await new Promise<void>((ok, fail) => {
      s.server.once("error", fail);
      s.listen(port, "127.0.0.1", () => {
        s.server.off("error", fail);
        ok();
      });
    });
    return (s.server.address() as AddressInfo).port;
  }

  let server: SMTPServer | null = createServer();
  const port = await listen(server, 0);

  async function stopListening() {
    const s = server;
    server = null;
    if (s) await new Promise<void>((ok) => s.close(() => ok()));
  }

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    refused,
    counts,
    get isDown() {
      return down;
    },
    set(s: Partial<ChaosSettings>) {
      settings = { ...settings, ...s };
    },
    /** Goes away: connections refused, transactions in flight answered 421, nothing accepted. */
    async goDown() {
      if (down) return;
      down = true;
      downSince = Date.now();
      counts.outages += 1;
      await stopListening();
    },
    /** Listens again on the same port. */
    async comeBack() {
      if (!down) return;
      const s = createServer();
      await listen(s, port);
      server = s;
      counts.outageMsTotal += Date.now() - downSince;
      down = false;
    },
    /** Accepted copies per Message-ID. */
    copiesById(): Map<string, AcceptedMail[]> {
      const by = new Map<string, AcceptedMail[]>();
      for (const m of accepted) by.set(m.messageId, [...(by.get(m.messageId) ?? []), m]);
      return by;
    },
    async close() {
      down = true;
      await stopListening();
    },
  };
}
