import { join } from "node:path";
import type { Mailer } from "../alert.types.js";
import { createEmlMailer } from "./eml-mailer.js";
import type { MailLog } from "./message.js";
import { createSmtpMailer } from "./smtp-mailer.js";

export { createEmlMailer, type EmlMailerOptions, emlFileName } from "./eml-mailer.js";
export type { MailLog } from "./message.js";
export { classifySmtpError, createSmtpMailer, type SmtpMailerOptions, toMailError } from "./smtp-mailer.js";

export type MailerOptions = { smtpUrl?: string; from: string; dataDir: string; log?: MailLog };

/** SMTP when a server is configured; otherwise .eml files under `<dataDir>/outbox-eml`. */
export function createMailer({ smtpUrl, from, dataDir, log }: MailerOptions): Mailer {
  if (smtpUrl) return createSmtpMailer({ url: smtpUrl, from, ...(log ? { log } : {}) });
  return createEmlMailer({ dir: join(dataDir, "outbox-eml"), from, ...(log ? { log } : {}) });
}
