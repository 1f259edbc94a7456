// What both mailers hand to nodemailer, so the .eml preview and the SMTP send are one message.
import type { SendMailOptions } from "nodemailer";
import type { OutgoingMail } from "../alert.types.js";

export type MailLog = (msg: string, meta: object) => void;

export function toMailOptions(mail: OutgoingMail, from: string): SendMailOptions {
  return {
    from,
    to: mail.to,
    ...(mail.cc.length > 0 ? { cc: mail.cc } : {}),
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    // Stable per outbox row: a resend after a crash carries the same Message-ID.
    messageId: mail.messageId,
    headers: {
      // RFC 3834: tells auto-responders (out-of-office) not to answer a machine.
      "Auto-Submitted": "auto-generated",
      "X-Auto-Response-Suppress": "All",
    },
  };
}
