// Writes each message as an RFC 822 .eml file: the mailer for development and for previews,
// built by nodemailer exactly as the SMTP mailer would send it.
import { randomUUID } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import nodemailer from "nodemailer";
import { MailError, type Mailer, type OutgoingMail } from "../alert.types.js";
import { type MailLog, toMailOptions } from "./message.js";

export type EmlMailerOptions = { dir: string; from: string; log?: MailLog };

/** `<alert-42@host>` → `alert-42@host.eml`: one file per Message-ID, so a resend overwrites it. */
export function emlFileName(messageId: string): string {
  const base = messageId
    .trim()
    .replace(/^<|>$/g, "")
    .replace(/[^A-Za-z0-9._@+-]/g, "_")
    .replace(/^[.-]+/, "")
    .slice(0, 200);
  if (!base)
    throw new MailError(`Cannot name an .eml file after Message-ID ${JSON.stringify(messageId)}`, false);
  return `${base}.eml`;
}

export function createEmlMailer(options: EmlMailerOptions): Mailer {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  let ready: Promise<unknown> | null = null;

  return {
    async send(mail: OutgoingMail): Promise<void> {
      const file = join(options.dir, emlFileName(mail.messageId));
      let raw: Buffer;
      try {
        const info = await transporter.sendMail(toMailOptions(mail, options.from));
        raw = info.message as Buffer;
      } catch (err) {
        throw new MailError(
          `Could not build the message: ${err instanceof Error ? err.message : String(err)}`,
          false,
        );
      }
      try {
        ready ??= mkdir(options.dir, { recursive: true });
        await ready;
        // Write then rename: a crash never leaves half a file under the final name.
        const tmp = `${file}.${randomUUID()}.tmp`;
        await writeFile(tmp, raw);
        await rename(tmp, file);
      } catch (err) {
        ready = null;
        throw new MailError(
          `Could not write ${file}: ${err instanceof Error ? err.message : String(err)}`,
          true,
        );
      }
      options.log?.("eml mailer: message written", { to: mail.to, subject: mail.subject, file });
    },
    async close(): Promise<void> {
      transporter.close();
    },
  };
}
