// Case 1: the SMTP server down for a while, slow, and answering 4xx/5xx at random (seeded), under
// a queue of real alert messages: the evaluations of a seeded province (scripts/demo-data.ts)
// every third day from 1/8/2022 to 31/1/2023, drained as they come while the server misbehaves,
// then until settled. Every message must end `sent` and accepted exactly once, or `dead` exactly
// when the server refused it for good; nothing stays behind, nothing gives up on a 4xx.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_NOW, generateDemoProvince, loadDemoProvince } from "../../scripts/demo-data.js";
import type { Mailer } from "../../src/alerts/alert.types.js";
import { createSmtpMailer } from "../../src/alerts/mailer/index.js";
import type { Database } from "../../src/db/database.js";
import { addDays } from "../../src/domain/local-date.js";
import { fixedClock } from "../helpers/test-app.js";
import { createFaultApp, type FaultApp, openPglite, sleep } from "./helpers/app.js";
import { CALM, type ChaosSmtpServer, startChaosSmtpServer } from "./helpers/chaos-smtp.js";
import { ADMINS } from "./helpers/current-year.js";
import { recordFigures } from "./helpers/figures.js";
import { createRng, seedOf } from "./helpers/prng.js";
import { verifyFiguresOf } from "./helpers/verify-figures.js";

const SEED = seedOf(7101);
// Small retry settings: a 4xx costs tens of milliseconds, not minutes. Enough attempts that no
// message gives up on temporary failures at these rates (that would be "dead" without a 5xx).
const OUTBOX = { retryBaseMs: 10, retryMaxMs: 160, maxAttempts: 40, leaseMs: 10_000 };
const CHAOS = { rcpt4xx: 0.08, data4xx: 0.12, data5xx: 0.015, maxDelayMs: 120 };

let db: Database;
let t: FaultApp;
let smtp: ChaosSmtpServer;
let mailer: Mailer;
const clock = fixedClock(DEMO_NOW);

beforeAll(async () => {
  smtp = await startChaosSmtpServer(SEED);
  // A timeout well above the injected delays: a client that gave up on an answer the server then
  // sent would resend, and the duplicate would be ours, not the sender's.
  mailer = createSmtpMailer({
    url: smtp.url,
    from: "Giám sát giải ngân <no-reply@dm.invalid>",
    timeoutMs: 5_000,
  });
  db = await openPglite();
  t = await createFaultApp(db, { clock, mailer, adminEmails: ADMINS, outbox: OUTBOX });
  const loaded = await loadDemoProvince(t.container, generateDemoProvince(), { maxBatchSize: 1000 });
  expect(loaded.status).toBe("loaded");
}, 120_000);

afterAll(async () => {
  if (t) await verifyFiguresOf(t.db);
  await t?.close();
  await db?.close();
  await mailer?.close();
  await smtp?.close();
});

const unfinished = () =>
  t.db.prisma.outboxMessage.count({ where: { status: { in: ["pending", "sending", "retry"] } } });

describe("case 1: SMTP down, slow, 4xx and 5xx at random", () => {
  it("every message ends sent exactly once, or dead exactly when refused for good", async () => {
    const started = Date.now();
    const rng = createRng(SEED ^ 0x5eed);
    smtp.set(CHAOS);

    // Outages at random moments, also in the middle of drains: down 100–600 ms, now and then.
    let chaos = true;
    let longOutage = false;
    const outages = (async () => {
      while (chaos) {
        await sleep(rng.int(80, 300));
        if (!chaos) break;
        if (!longOutage && rng.chance(0.25)) {
          await smtp.goDown();
          await sleep(rng.int(100, 600));
          await smtp.comeBack();
        }
      }
    })();

    let evaluations = 0;
    let drains = 0;
    let queuedMessages = 0;
    try {
      for (let day = "2022-08-01"; day <= "2023-01-31"; day = addDays(day, 3)) {
        clock.set(`${day}T01:00:00Z`);
        const r = await t.container.alerts.runEvaluation({ asOf: day, dryRun: false, trigger: "api" });
        expect(r.ran).toBe(true);
        evaluations += 1;
        queuedMessages += r.messages.length;
        await t.container.sender.drain();
        drains += 1;
        if (day === "2022-10-01") {
          // One long outage, at the busiest day (missed notices, escalations): 3 s of refused
          // connections while the sender keeps trying, every message backing off and retrying.
          longOutage = true;
          while (smtp.isDown) await sleep(10); // a short outage in progress ends first
          await smtp.goDown();
          const until = Date.now() + 3_000;
          while (Date.now() < until) {
            await t.container.sender.drain();
            drains += 1;
            await sleep(50);
          }
          await smtp.comeBack();
          longOutage = false;
        }
      }
      // Keep draining under chaos for a while, bounded, then calm the server and settle.
      const chaosUntil = Date.now() + 6_000;
      while (Date.now() < chaosUntil && (await unfinished()) > 0) {
        await t.container.sender.drain();
        drains += 1;
        await sleep(20);
      }
    } finally {
      chaos = false;
      await outages;
      await smtp.comeBack();
    }
    smtp.set(CALM);
    const deadline = Date.now() + 60_000;
    while ((await unfinished()) > 0) {
      if (Date.now() > deadline) throw new Error(`outbox not settled: ${await unfinished()} unfinished`);
      await t.container.sender.drain();
      drains += 1;
      await sleep(20);
    }

    const rows = await t.db.prisma.outboxMessage.findMany({ orderBy: { id: "asc" } });
    const copies = smtp.copiesById();
    const sent = rows.filter((r) => r.status === "sent");
    const dead = rows.filter((r) => r.status === "dead");

    // The queue is what the evaluations reported, and it is large enough to mean something.
    expect(rows).toHaveLength(queuedMessages);
    expect(rows.length).toBeGreaterThan(300);
    // Settled: only sent or dead.
    expect(sent.length + dead.length).toBe(rows.length);
    // Sent: accepted exactly once, under its own Message-ID.
    expect(
      sent.filter((r) => copies.get(r.headerMessageId)?.length !== 1).map((r) => r.headerMessageId),
    ).toEqual([]);
    // Dead: exactly the messages refused with a 5xx, each after that one permanent failure, and
    // never accepted; a 4xx or an outage never kills a message.
    expect(dead.map((r) => r.headerMessageId).sort()).toEqual([...smtp.refused.keys()].sort());
    expect([...smtp.refused.values()].every((n) => n === 1)).toBe(true);
    for (const r of dead) {
      expect(copies.has(r.headerMessageId)).toBe(false);
      expect(r.permanentFailures).toBe(1);
      expect(r.lastError).toMatch(/55[024]/);
    }
    // Nothing accepted that is not in the outbox.
    const known = new Set(rows.map((r) => r.headerMessageId));
    expect([...copies.keys()].filter((id) => !known.has(id))).toEqual([]);
    // Every injected 4xx was seen and retried as temporary.
    const temporary = rows.reduce((n, r) => n + r.temporaryFailures, 0);
    const injected4xx = smtp.counts.rcpt4xx + smtp.counts.data4xx + smtp.counts.abortedByOutage;
    expect(temporary).toBeGreaterThanOrEqual(injected4xx);
    expect(smtp.counts.outages).toBeGreaterThan(3);
    expect(smtp.counts.data5xx).toBeGreaterThan(0);
    // Every queued alert is in a message, and in one only (the ledger's unique key).
    const alerts = await t.db.prisma.alertRecord.findMany({ where: { outcome: "queued" } });
    expect(alerts.every((a) => a.messageId !== null)).toBe(true);

    const c = smtp.counts;
    recordFigures({
      id: "1-smtp-chaos",
      title: "SMTP down, slow, 4xx/5xx at random",
      database: "pglite",
      seed: SEED,
      casesRun: evaluations,
      faultsInjected: c.rcpt4xx + c.data4xx + c.data5xx + c.outages + c.delayed,
      messages: {
        expected: rows.length,
        delivered: copies.size,
        duplicated: smtp.accepted.length - copies.size,
        dead: dead.length,
      },
      durationMs: Date.now() - started,
      details: {
        evaluations,
        drains,
        alerts: alerts.length,
        smtp: c,
        temporaryFailuresRecorded: temporary,
        permanentFailuresRecorded: rows.reduce((n, r) => n + r.permanentFailures, 0),
        maxAttempts: Math.max(...rows.map((r) => r.attempts)),
        chaos: CHAOS,
        outbox: OUTBOX,
      },
    });
  });
});
