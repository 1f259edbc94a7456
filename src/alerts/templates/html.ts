// Tiny HTML building blocks for e-mail: tables and inline styles only, so Outlook renders them.
// Every interpolated string goes through escapeHtml; helpers take raw text, never markup,
// except where a parameter is named `...Html`.

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const FONT = "font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;color:#1f2933";
const CELL = "padding:4px 8px;border:1px solid #d0d7de;vertical-align:top";
const HEAD_CELL = `${CELL};background-color:#eef2f6;font-weight:bold;text-align:left`;

export function paragraph(text: string, style = ""): string {
  return `<p style="margin:0 0 12px 0;${style}">${escapeHtml(text)}</p>`;
}

export function heading(text: string): string {
  return `<h2 style="margin:20px 0 8px 0;font-size:16px;color:#0b3d91">${escapeHtml(text)}</h2>`;
}

export function subheading(text: string): string {
  return `<h3 style="margin:14px 0 6px 0;font-size:14px">${escapeHtml(text)}</h3>`;
}

/** Two-column label/value table for one item. */
export function factsTable(facts: ReadonlyArray<readonly [string, string]>): string {
  const rows = facts
    .map(
      ([label, value]) =>
        `<tr><td style="${CELL};width:190px;color:#52606d">${escapeHtml(label)}</td><td style="${CELL}">${escapeHtml(value)}</td></tr>`,
    )
    .join("");
  return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%" style="border-collapse:collapse;margin:0 0 12px 0">${rows}</table>`;
}

/** Data table; `alignRight` marks numeric columns by index. */
export function dataTable(
  headers: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  alignRight: readonly number[] = [],
): string {
  const align = (i: number) => (alignRight.includes(i) ? ";text-align:right;white-space:nowrap" : "");
  const head = headers.map((h, i) => `<th style="${HEAD_CELL}${align(i)}">${escapeHtml(h)}</th>`).join("");
  const body = rows
    .map(
      (r) => `<tr>${r.map((c, i) => `<td style="${CELL}${align(i)}">${escapeHtml(c)}</td>`).join("")}</tr>`,
    )
    .join("");
  // Wider than a phone's pane with many columns: the table scrolls on its own, the message does not.
  return `<div style="overflow-x:auto"><table cellpadding="0" cellspacing="0" border="0" width="100%" style="border-collapse:collapse;margin:0 0 12px 0"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/**
 * A link drawn as a button (a table cell, so Outlook keeps its colour), with the address written
 * out below for clients that show no buttons. Only http(s) addresses: anything else is ours by mistake.
 */
export function buttonLink(url: string, label: string): string {
  if (!/^https?:\/\//i.test(url)) throw new RangeError(`not an http(s) link: ${url}`);
  const href = escapeHtml(url);
  return [
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 8px 0"><tr>`,
    `<td style="background-color:#0b3d91;border-radius:4px;padding:10px 18px"><a href="${href}" style="color:#ffffff;font-weight:bold;text-decoration:none">${escapeHtml(label)}</a></td>`,
    "</tr></table>",
    `<p style="margin:0 0 12px 0;font-size:12px;color:#52606d;word-break:break-all">${href}</p>`,
  ].join("");
}

/** A highlighted one-line notice (the stage of an item). */
export function banner(text: string, color: string): string {
  return `<p style="margin:0 0 8px 0;padding:6px 10px;border-left:4px solid ${color};background-color:#f7f9fb;font-weight:bold">${escapeHtml(text)}</p>`;
}

/** The whole document: a centred table of at most 680px (narrower panes get all their width), and a grey footer. */
export function htmlDocument(title: string, bodyHtml: string, footer: string): string {
  return [
    "<!DOCTYPE html>",
    '<html lang="vi">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>`,
    `<body style="margin:0;padding:0;background-color:#ffffff">`,
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%"><tr><td align="center" style="padding:16px 8px">`,
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%" style="max-width:680px;table-layout:fixed;${FONT}"><tr><td style="${FONT}">`,
    bodyHtml,
    `<p style="margin:24px 0 0 0;padding-top:8px;border-top:1px solid #d0d7de;font-size:12px;color:#7b8794">${escapeHtml(footer)}</p>`,
    "</td></tr></table>",
    "</td></tr></table>",
    "</body>",
    "</html>",
  ].join("\n");
}

export const STAGE_COLORS = {
  missed: "#c62828",
  at_risk: "#e65100",
  reminder: "#1565c0",
  recovered: "#2e7d32",
} as const;
