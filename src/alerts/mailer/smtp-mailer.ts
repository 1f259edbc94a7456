// Sends over SMTP with a pooled nodemailer transport and says whether a failure is worth retrying.
import nodemailer from "nodemailer";
import { MailError, type Mailer, type OutgoingMail } from "../alert.types.js";
import { type MailLog, toMailOptions } from "./message.js";

export type SmtpMailerOptions = {
  /** e.g. smtp://user:pass@mail.example.vn:587; query parameters override the options below. */
  url: string;
  from: string;
  /** Pooled connections (default true, at most 5). */
  pool?: boolean;
  /** Connection, greeting, socket and DNS timeouts in ms (default 15 s). */
  timeoutMs?: number;
  /** Partial deliveries (a cc rejected) are reported here; nothing else is logged. */
  log?: MailLog;
};

export const DEFAULT_SMTP_TIMEOUT_MS = 15_000;

/** Error codes of connections that failed or dropped: the server may well accept later. */
const CONNECTION_CODES = new Set([
  // nodemailer
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "ETLS",
  "EPROXY",
  "EMAXLIMIT",
  "EABORT",
  // Node.js system errors (nodemailer keeps them as originalCode)
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** Credentials or TLS set-up: about the server connection, not this message; fixing it lets it go. */
const CONFIGURATION_CODES = new Set(["EAUTH", "ENOAUTH", "EOAUTH2"]);

type ErrorLike = {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
  timeoutType?: unknown;
  recipient?: unknown;
};

function field(err: unknown, key: keyof ErrorLike): unknown {
  return typeof err === "object" && err !== null ? (err as ErrorLike)[key] : undefined;
}

/** `5.4.4` from "550 5.4.4 Unable to route", or null. */
function enhancedStatus(response: unknown): [number, number, number] | null {
  if (typeof response !== "string") return null;
  const m = /^\d{3}[ -]([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(response.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/**
 * Can trying the same message again later help?
 * - temporary: SMTP 4xx; connection failures (refused, reset, timed out, DNS, TLS, dropped,
 *   including 421 closing); 5.4.x enhanced codes (network and routing, often transient);
 *   503 (bad sequence: a session-state problem, not a verdict on the message, as nodemailer
 *   itself reads it); authentication failures (a server setting, fixed without changing the message).
 * - permanent: every other 5xx (550, 552, 553, 554...); envelopes and messages nodemailer
 *   rejects before sending (no recipients, invalid address, empty message); anything unknown.
 */
export function classifySmtpError(err: unknown): { temporary: boolean; responseCode?: number } {
  const rawCode = field(err, "responseCode");
  const responseCode =
    typeof rawCode === "number" && Number.isInteger(rawCode) && rawCode >= 200 && rawCode < 600
      ? rawCode
      : undefined;
  const withCode = (temporary: boolean) =>
    responseCode === undefined ? { temporary } : { temporary, responseCode };

  const code = field(err, "code");
  const originalCode = field(err, "originalCode");
  if (
    (typeof code === "string" && CONNECTION_CODES.has(code)) ||
    (typeof originalCode === "string" && CONNECTION_CODES.has(originalCode)) ||
    field(err, "timeoutType") !== undefined
  ) {
    return withCode(true);
  }
  if (typeof code === "string" && CONFIGURATION_CODES.has(code)) return withCode(true);

  if (responseCode !== undefined) {
    if (responseCode >= 400 && responseCode < 500) return withCode(true);
    if (responseCode >= 500) {
      const enhanced = enhancedStatus(field(err, "response"));
      if (enhanced && enhanced[0] === 5 && enhanced[1] === 4) return withCode(true);
      return withCode(responseCode === 503);
    }
    // An unexpected 2xx/3xx reply: the server is confused, not refusing.
    return withCode(true);
  }

  const message = field(err, "message");
  if (code === undefined && typeof message === "string" && /timed? ?out/i.test(message))
    return withCode(true);
  return withCode(false);
}

export function toMailError(err: unknown, context = "SMTP send failed"): MailError {
  if (err instanceof MailError) return err;
  const { temporary, responseCode } = classifySmtpError(err);
  const code = field(err, "code");
  const originalCode = field(err, "originalCode");
  const codes = [code, originalCode].filter((c): c is string => typeof c === "string").join("/");
  const message = err instanceof Error ? err.message : String(err);
  return new MailError(`${context}${codes ? ` [${codes}]` : ""}: ${message}`, temporary, responseCode);
}

function sameAddress(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const timeout = options.timeoutMs ?? DEFAULT_SMTP_TIMEOUT_MS;
  const common = {
    url: options.url,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dnsTimeout: timeout,
  };
  const transporter =
    options.pool === false
      ? nodemailer.createTransport(common)
      : nodemailer.createTransport({ ...common, pool: true, maxConnections: 5 });

  return {
    async send(mail: OutgoingMail): Promise<void> {
      let info: { rejected?: unknown; rejectedErrors?: unknown; serverMessageId?: unknown };
      try {
        info = await transporter.sendMail(toMailOptions(mail, options.from));
      } catch (err) {
        throw toMailError(err);
      }
      // Some recipients accepted, others not: nodemailer resolves. The primary recipient
      // missing means the message did not reach whom it is for; a rejected cc is only logged.
      const rejected = Array.isArray(info.rejected) ? info.rejected.map(String) : [];
      if (rejected.some((r) => sameAddress(r, mail.to))) {
        const errors = Array.isArray(info.rejectedErrors) ? (info.rejectedErrors as unknown[]) : [];
        const cause = errors.find((e) => {
          const recipient = field(e, "recipient");
          return typeof recipient === "string" && sameAddress(recipient, mail.to);
        });
        throw toMailError(
          cause ?? new Error(`Recipient ${mail.to} rejected`),
          "SMTP recipient rejected (cc may have received it)",
        );
      }
      if (rejected.length > 0) {
        options.log?.("smtp: some cc recipients were rejected", { messageId: mail.messageId, rejected });
      }
      if (typeof info.serverMessageId === "string" && info.serverMessageId !== mail.messageId) {
        options.log?.("smtp: the server replaced the Message-ID", {
          messageId: mail.messageId,
          serverMessageId: info.serverMessageId,
        });
      }
    },
    async close(): Promise<void> {
      transporter.close();
    },
  };
}
