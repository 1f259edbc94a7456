// 3. E-mail: the service's outbox sender (container.sender: createOutboxSender over the outbox
// table, with createSmtpMailer's pooled transport) delivering N queued messages into a local
// SMTP server that accepts everything, against nodemailer sending the same messages from memory
// with the same pooled transport (the floor).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type { OutgoingMail } from "../../src/alerts/alert.types.js";
import { toMailOptions } from "../../src/alerts/mailer/message.js";
import { createSmtpMailer, DEFAULT_SMTP_TIMEOUT_MS } from "../../src/alerts/mailer/smtp-mailer.js";
import { unitAlertFixture } from "../../src/alerts/templates/fixtures.js";
import { renderMessage } from "../../src/alerts/templates/render.js";
import { createContainer } from "../../src/container.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrator.js";
import { type Context, DB_LABEL, type PartResult } from "../lib/context.js";
import { freshDatabase } from "../lib/postgres.js";
import { type SinkStats, type SmtpSink, startSmtpSink } from "../lib/smtp-sink.js";
import { ms, num, ratio } from "../lib/stats.js";

const FROM = "Giám sát giải ngân MTQG <no-reply@disbursement-monitor.invalid>";
const TARGET_S = 60;
/** The pool of createSmtpMailer (5 connections) and the sender's default concurrency (5). */
const CONCURRENCY = 5;
const TIME_LIMIT_MS = 180_000;

type Run = { label: string; ms: number; perS: number; server: SinkStats; sentRows?: number };

function bounded<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`${what} took over ${TIME_LIMIT_MS / 1000} s`)), TIME_LIMIT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** N outbox rows: a real unit alert (rendered by the service's templates), distinct Message-IDs. */
async function queueMessages(db: Database, n: number, tag: string): Promise<void> {
  const m = renderMessage(unitAlertFixture);
  await db.raw.query(
    `INSERT INTO outbox_message (kind, recipient, cc, subject, html, text, header_message_id)
     SELECT 'unit', 'head' || g || '@bench.example.org', ARRAY['cc' || g || '@bench.example.org'], $1, $2, $3,
            '<bench.' || $4 || '.' || g || '@disbursement-monitor.invalid>'
     FROM generate_series(1, ${n}) g`,
    [m.subject, m.html, m.text, tag],
  );
}

async function loadMessages(db: Database): Promise<OutgoingMail[]> {
  const rows = await db.raw.query<{
    recipient: string;
    cc: string[];
    subject: string;
    html: string;
    text: string;
    header_message_id: string;
  }>("SELECT recipient, cc, subject, html, text, header_message_id FROM outbox_message ORDER BY id");
  return rows.map((r) => ({
    to: r.recipient,
    cc: r.cc,
    subject: r.subject,
    html: r.html,
    text: r.text,
    messageId: r.header_message_id,
  }));
}

async function senderRun(db: Database, sink: SmtpSink, n: number): Promise<Run> {
  const mailer = createSmtpMailer({ url: sink.url, from: FROM });
  const c = createContainer(db, { maxBatchSize: 1000, mailer });
  await sink.reset();
  const t0 = performance.now();
  let handled = 0;
  try {
    // One drain sends everything due; loop only in case a message was put back for a retry.
    while (handled < n) {
      const h = await bounded(c.sender.drain(), "the outbox sender");
      if (h === 0) break;
      handled += h;
    }
  } finally {
    await mailer.close();
  }
  const elapsed = performance.now() - t0;
  const [sent] = await db.raw.query<{ n: string }>(
    "SELECT count(*)::text AS n FROM outbox_message WHERE status = 'sent'",
  );
  return {
    label: "outbox sender",
    ms: elapsed,
    perS: n / (elapsed / 1000),
    server: await sink.stats(),
    sentRows: Number(sent?.n),
  };
}

async function floorRun(messages: OutgoingMail[], sink: SmtpSink, concurrency: number): Promise<Run> {
  const transporter = nodemailer.createTransport({
    url: sink.url,
    pool: true,
    maxConnections: CONCURRENCY,
    connectionTimeout: DEFAULT_SMTP_TIMEOUT_MS,
    greetingTimeout: DEFAULT_SMTP_TIMEOUT_MS,
    socketTimeout: DEFAULT_SMTP_TIMEOUT_MS,
  });
  await sink.reset();
  const options = messages.map((m) => toMailOptions(m, FROM));
  let next = 0;
  const t0 = performance.now();
  try {
    await bounded(
      Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = next++; i < options.length; i = next++) await transporter.sendMail(options[i]!);
        }),
      ),
      "nodemailer's loop",
    );
  } finally {
    transporter.close();
  }
  const elapsed = performance.now() - t0;
  return {
    label:
      concurrency === 1 ? "floor: nodemailer, plain loop" : `floor: nodemailer, ${concurrency} plain loops`,
    ms: elapsed,
    perS: messages.length / (elapsed / 1000),
    server: await sink.stats(),
  };
}

export async function runEmailBench(ctx: Context): Promise<PartResult> {
  const n = ctx.opts.messages;
  const sink = await startSmtpSink();
  const results: { db: "pglite" | "postgres"; runs: Run[] }[] = [];
  const problems: string[] = [];
  const failures: string[] = [];
  try {
    for (const kind of ctx.opts.databases) {
      const dir = await mkdtemp(join(tmpdir(), "dm-bench-mail-"));
      const db =
        kind === "pglite"
          ? await openDatabase({ dataDir: dir })
          : await openDatabase({ databaseUrl: await freshDatabase(ctx.pg!, "dm_bench_mail") });
      const runs: Run[] = [];
      try {
        await migrate(db.raw);
        await queueMessages(db, n, kind);
        const messages = await loadMessages(db);
        // Warm the transport and the JIT on a few messages outside the count.
        await floorRun(messages.slice(0, 50), sink, CONCURRENCY);
        ctx.log(`email: ${DB_LABEL[kind]}: ${n} messages queued; sending`);
        runs.push(await floorRun(messages, sink, CONCURRENCY));
        ctx.log(`email: ${DB_LABEL[kind]} ${runs.at(-1)!.label}: ${ms(runs.at(-1)!.ms)}`);
        runs.push(await senderRun(db, sink, n));
        ctx.log(`email: ${DB_LABEL[kind]} ${runs.at(-1)!.label}: ${ms(runs.at(-1)!.ms)}`);
      } finally {
        await db.close();
        await rm(dir, { recursive: true, force: true });
      }
      results.push({ db: kind, runs });
    }
  } finally {
    await sink.close();
  }

  const lines = [
    `Measured ${new Date().toISOString().slice(0, 16)}Z. ${num(n)} outbox rows (a real unit alert rendered by the`,
    "service's templates, with one cc; distinct Message-IDs) delivered to `smtp-server` on 127.0.0.1 in a worker",
    "thread (accepts everything, reads only the header to count Message-IDs). Sender: `container.sender.drain()`,",
    `the service's outbox sender (claims 50 at a time, ${CONCURRENCY} in flight, marks each row sent) with`,
    `\`createSmtpMailer\` (pooled, ${CONCURRENCY} connections). Floor: the same messages from memory through`,
    `nodemailer's pooled transport (${CONCURRENCY} connections) by ${CONCURRENCY} plain \`await sendMail\` loops (the sender's concurrency),`,
    "measured just before the sender. Target: all delivered in under a minute.",
    "",
    "| database | run | total time | messages/s | received (distinct Message-IDs) | rows marked sent |",
    "|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    for (const run of r.runs) {
      const exact = run.server.total === n && run.server.distinct === n && run.server.withoutId === 0;
      if (!exact)
        failures.push(
          `email ${r.db} ${run.label}: server received ${run.server.total} (${run.server.distinct} distinct) of ${n}`,
        );
      if (run.sentRows !== undefined && run.sentRows !== n)
        failures.push(`email ${r.db}: ${run.sentRows} of ${n} outbox rows marked sent`);
      lines.push(
        `| ${DB_LABEL[r.db]} | ${run.label} | ${ms(run.ms)} | ${num(run.perS)} | ${num(run.server.total)} (${num(run.server.distinct)})${exact ? "" : " **mismatch**"}` +
          ` | ${run.sentRows === undefined ? "" : num(run.sentRows)} |`,
      );
    }
  }
  lines.push(
    "",
    "| database | sender | floor | sender ÷ floor time | under a minute |",
    "|---|---|---|---|---|",
  );
  for (const r of results) {
    const sender = r.runs.find((x) => x.label === "outbox sender")!;
    const floor = r.runs.find((x) => x.label.endsWith(`${CONCURRENCY} plain loops`))!.ms;
    const under = sender.ms < TARGET_S * 1000;
    if (!under) problems.push(`email ${r.db}: ${n} messages took ${ms(sender.ms)} (target < ${TARGET_S} s)`);
    lines.push(
      `| ${DB_LABEL[r.db]} | ${ms(sender.ms)} | ${ms(floor)} | ${ratio(sender.ms, floor)} | ${under ? "yes" : "**no**"} |`,
    );
  }
  return { markdown: lines.join("\n"), raw: results, problems, failures };
}
