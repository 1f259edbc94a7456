// A real SMTP server (smtp-server) on 127.0.0.1 for tests: it collects every accepted message,
// parsed with mailparser, and injects the faults a real mail server shows: 4xx for a while,
// 5xx for some recipients, refused connections (stops listening, then listens again on the SAME
// port, so the mailer's URL stays valid), and slow answers.
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from "smtp-server";

export type ReceivedMail = {
  /** The SMTP envelope: who the server accepted the message for. */
  envelope: { from: string; to: string[] };
  /** The Message-ID header, with its angle brackets (as outbox_message.header_message_id). */
  messageId: string | undefined;
  subject: string;
  /** Header addresses, lower-cased. */
  to: string[];
  cc: string[];
  text: string;
  html: string;
  parsed: ParsedMail;
  receivedAt: number;
};

export type SmtpReply = { code: number; message: string };

type Command = "RCPT" | "DATA";

export type SmtpTestServer = {
  readonly port: number;
  readonly url: string;
  /** Accepted messages, in order of acceptance. */
  readonly received: ReceivedMail[];
  /** What the server saw, accepted or not. */
  readonly stats: { connections: number; rcpt: number; data: number; failedByFault: number };
  /**
   * Answers the next `count` commands of this kind with `reply` (default 451). For RCPT the
   * count is of mail transactions: every RCPT of a failed transaction gets the reply, so the
   * message reaches nobody (a cc accepted while the primary recipient is refused would receive
   * it and a retry would then deliver it to the cc a second time).
   */
  failNext(count: number, command: Command, reply?: SmtpReply): void;
  /** RCPT TO this address is refused (default 550 5.1.1) until `acceptRecipient`. */
  rejectRecipient(address: string, reply?: SmtpReply): void;
  acceptRecipient(address: string): void;
  /** Waits this long before answering each DATA (0 for no delay). */
  delay(ms: number): void;
  /** Stops listening: connections are refused, open ones are closed. */
  refuseConnections(): Promise<void>;
  /** Listens again on the same port. */
  acceptConnections(): Promise<void>;
  /** Clears received messages, counters and every fault. */
  reset(): void;
  /** Resolves once `n` messages were accepted in all, or rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
};

const TEMPORARY: SmtpReply = { code: 451, message: "4.3.0 Thử lại sau / try again later" };
const UNKNOWN_USER: SmtpReply = { code: 550, message: "5.1.1 User unknown" };

function smtpError(reply: SmtpReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

function addresses(field: ParsedMail["to"]): string[] {
  if (!field) return [];
  const list = Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value.map((v) => (v.address ?? "").toLowerCase()));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSmtpTestServer(opts: { port?: number } = {}): Promise<SmtpTestServer> {
  const received: ReceivedMail[] = [];
  const stats = { connections: 0, rcpt: 0, data: 0, failedByFault: 0 };
  const pending: Record<Command, { count: number; reply: SmtpReply }> = {
    RCPT: { count: 0, reply: TEMPORARY },
    DATA: { count: 0, reply: TEMPORARY },
  };
  /** Transactions already failed at RCPT: "<session id>:<transaction>". */
  const failedTransactions = new Set<string>();
  const rejected = new Map<string, SmtpReply>();
  let delayMs = 0;
  const waiters: Array<() => void> = [];

  // A transaction starts at MAIL FROM (a pooled client reuses its connection, with or without RSET).
  let mailFromSeq = 0;
  const currentTransaction = new Map<string, number>();
  const transactionOf = (s: SMTPServerSession) => `${s.id}:${currentTransaction.get(s.id)}`;

  function createServer(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      // Pooled client connections are closed (421) this soon after close(), as a restarting server does.
      closeTimeout: 50,
      size: 10 * 1024 * 1024,
      onConnect(_session, callback) {
        stats.connections += 1;
        callback();
      },
      onMailFrom(_address, session, callback) {
        mailFromSeq += 1;
        currentTransaction.set(session.id, mailFromSeq);
        callback();
      },
      onClose(session) {
        currentTransaction.delete(session.id);
      },
      onRcptTo(
        address: SMTPServerAddress,
        session: SMTPServerSession,
        callback: (err?: Error | null) => void,
      ) {
        stats.rcpt += 1;
        const tx = transactionOf(session);
        if (failedTransactions.has(tx)) {
          stats.failedByFault += 1;
          return callback(smtpError(pending.RCPT.reply));
        }
        if (pending.RCPT.count > 0) {
          pending.RCPT.count -= 1;
          failedTransactions.add(tx);
          stats.failedByFault += 1;
          return callback(smtpError(pending.RCPT.reply));
        }
        const reply = rejected.get(address.address.toLowerCase());
        if (reply) {
          stats.failedByFault += 1;
          return callback(smtpError(reply));
        }
        callback();
      },
      onData(stream, session, callback) {
        stats.data += 1;
        const fault = pending.DATA.count > 0 ? pending.DATA.reply : null;
        if (fault) pending.DATA.count -= 1;
        const wait = delayMs;
        simpleParser(stream).then(
          async (parsed) => {
            if (wait > 0) await sleep(wait);
            if (fault) {
              stats.failedByFault += 1;
              return callback(smtpError(fault));
            }
            const mailFrom = session.envelope.mailFrom;
            received.push({
              envelope: {
                from: mailFrom ? mailFrom.address : "",
                to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              },
              messageId: parsed.messageId,
              subject: parsed.subject ?? "",
              to: addresses(parsed.to),
              cc: addresses(parsed.cc),
              text: parsed.text ?? "",
              html: typeof parsed.html === "string" ? parsed.html : "",
              parsed,
              receivedAt: Date.now(),
            });
            callback();
            for (const w of waiters.splice(0)) w();
          },
          (err: Error) => callback(err),
        );
      },
    });
  }

  async function listen(s: SMTPServer, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      s.server.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        s.server.off("error", reject);
        resolve();
      });
    });
    return (s.server.address() as AddressInfo).port;
  }

  let server: SMTPServer | null = createServer();
  const port = await listen(server, opts.port ?? 0);

  async function stop(): Promise<void> {
    const s = server;
    server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    stats,
    failNext(count, command, reply = TEMPORARY) {
      pending[command] = { count, reply };
    },
    rejectRecipient(address, reply = UNKNOWN_USER) {
      rejected.set(address.toLowerCase(), reply);
    },
    acceptRecipient(address) {
      rejected.delete(address.toLowerCase());
    },
    delay(ms) {
      delayMs = ms;
    },
    refuseConnections: stop,
    async acceptConnections() {
      if (server) return;
      const s = createServer();
      // The port was just released; a TIME_WAIT socket does not block listen on Linux.
      await listen(s, port);
      server = s;
    },
    reset() {
      received.length = 0;
      Object.assign(stats, { connections: 0, rcpt: 0, data: 0, failedByFault: 0 });
      pending.RCPT = { count: 0, reply: TEMPORARY };
      pending.DATA = { count: 0, reply: TEMPORARY };
      failedTransactions.clear();
      rejected.clear();
      delayMs = 0;
    },
    async waitFor(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${n} messages, the SMTP server accepted ${received.length}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), sleep(Math.min(left, 200))]);
      }
      return received;
    },
    close: stop,
  };
}

/** Message-IDs and how often each was accepted. */
export function countByMessageId(mails: readonly ReceivedMail[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of mails) counts.set(m.messageId ?? "", (counts.get(m.messageId ?? "") ?? 0) + 1);
  return counts;
}
