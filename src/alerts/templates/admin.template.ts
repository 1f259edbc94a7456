// An admin's message of one run: the escalations, the weekly digest, or both in one e-mail.
import type { AdminMessage, RenderedMessage } from "../alert.types.js";
import { digestSections, digestSubject, renderDigest } from "./digest.template.js";
import { escalationSections, escalationSubject, renderEscalation } from "./escalation.template.js";
import { ADMIN_GREETING, footerText, formatDate } from "./format.js";
import { heading, htmlDocument, paragraph } from "./html.js";

export function renderAdmin(m: AdminMessage): RenderedMessage {
  const escalation = {
    kind: "escalation" as const,
    asOf: m.asOf,
    recipient: m.recipient,
    items: m.escalation,
  };
  if (!m.digest) return renderEscalation(escalation);
  const digest = { kind: "digest" as const, asOf: m.asOf, recipient: m.recipient, ...m.digest };
  if (m.escalation.length === 0) return renderDigest(digest);

  const subject = `${escalationSubject(m.escalation)}; ${digestSubject(digest)
    .replace(/^\[[^\]]*\]\s*/, "")
    .replace(/^T/, "t")}`;
  const footer = footerText(m.asOf);
  const esc = escalationSections(escalation);
  const dig = digestSections(digest);
  const digestTitle = `Tổng hợp tuần ${formatDate(m.digest.weekOf)}`;
  const text = [
    ADMIN_GREETING,
    "",
    ...esc.text,
    "",
    digestTitle,
    "-".repeat(digestTitle.length),
    ...dig.text,
    "Trân trọng.",
    "",
    "-- ",
    footer,
    "",
  ];
  const html = [
    paragraph(ADMIN_GREETING),
    ...esc.html,
    heading(digestTitle),
    ...dig.html,
    paragraph("Trân trọng."),
  ];
  return { subject, text: text.join("\n"), html: htmlDocument(subject, html.join("\n"), footer) };
}
