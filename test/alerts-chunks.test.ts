// A run decides its units a chunk of heads at a time, so that a national run holds one chunk at
// a time (src/alerts/run-chunks.ts). How it walks must not change what it decides: the demo
// province, with three units sharing one head, replayed over two databases, one deciding every
// unit together and one a single head at a time, leaves the same alert ledger, the same
// messages word for word, the same pair watch, the same dry runs and the same previews.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_NOW, type DemoProvince, generateDemoProvince, loadDemoProvince } from "../scripts/demo-data.js";
import type { PreviewMessage } from "../src/alerts/alerts.service.js";
import { keyString } from "../src/alerts/policy.js";
import { addDays, type LocalDate } from "../src/domain/local-date.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

const ADMINS = ["thuongtruc@bcd-mtqg.example.org", "kehoach@bcd-mtqg.example.org"];

/** Weekly runs with gaps (stale stages recorded as skipped), and the days after each due date. */
const RUN_DAYS: LocalDate[] = [
  ...Array.from({ length: 27 }, (_, k) => addDays("2022-08-01", 7 * k)),
  "2022-09-29",
  "2022-10-01",
  "2022-10-03",
  "2022-11-11",
  "2022-12-30",
  "2023-01-03",
  "2023-01-09",
  "2023-02-01",
].sort();

type Side = { t: TestApp; clock: ReturnType<typeof fixedClock> };
let whole: Side;
let oneHead: Side;
let province: DemoProvince;

async function side(alertChunkUnits?: number): Promise<Side> {
  const clock = fixedClock(DEMO_NOW);
  const t = await createTestApp({
    clock,
    adminEmails: ADMINS,
    kickSender: () => {},
    ...(alertChunkUnits ? { alertChunkUnits } : {}),
  });
  expect((await loadDemoProvince(t.container, province, { maxBatchSize: 1000 })).status).toBe("loaded");
  return { t, clock };
}

/** A unit head's message carries a link signed with its database's own key: the rest must match. */
const unsigned = (s: string) => s.replace(/\/ack\/[A-Za-z0-9_-]+/g, "/ack/…");

async function ledgerOf({ t }: Side) {
  const messages = await t.db.prisma.outboxMessage.findMany();
  const byId = new Map(messages.map((m) => [m.id, m.headerMessageId]));
  const alerts = (await t.db.prisma.alertRecord.findMany()).map(
    ({ id: _id, createdAt: _at, messageId, ...r }) => ({
      ...r,
      message: messageId === null ? null : byId.get(messageId),
    }),
  );
  alerts.sort((a, b) => (keyString(a) < keyString(b) ? -1 : 1));
  const outbox = messages
    .map((m) => ({
      kind: m.kind,
      recipient: m.recipient,
      cc: m.cc,
      subject: m.subject,
      text: unsigned(m.text),
      html: unsigned(m.html),
      headerMessageId: m.headerMessageId,
    }))
    .sort((a, b) => (a.headerMessageId < b.headerMessageId ? -1 : 1));
  const watch = (await t.db.prisma.alertPairWatch.findMany()).sort((a, b) =>
    keyString({ ...a, stage: "", recipient: "" }) < keyString({ ...b, stage: "", recipient: "" }) ? -1 : 1,
  );
  return { alerts, outbox, watch };
}

/** Keys (without recipient) of the alerts the whole-country side queued on asOf. */
async function queuedOn(asOf: LocalDate): Promise<string[]> {
  const rows = await whole.t.db.prisma.alertRecord.findMany({
    where: { outcome: "queued", asOf: new Date(`${asOf}T00:00:00Z`) },
  });
  return rows.map((r) => [r.planYear, r.milestoneId, r.unitCode, r.program, r.stage].join("|"));
}

const byRecipient = <T extends { kind: string; to: string }>(xs: T[]) =>
  [...xs].sort((a, b) => (`${a.kind}|${a.to}` < `${b.kind}|${b.to}` ? -1 : 1));

beforeAll(async () => {
  province = generateDemoProvince();
  // One head for three units: a chunk of one head holds all three, and their head gets one message.
  const [a, b, c] = province.units;
  for (const u of [b!, c!]) u.headEmail = a!.headEmail.toUpperCase();
  whole = await side();
  oneHead = await side(1);
}, 240_000);

afterAll(async () => {
  await whole?.t.close();
  await oneHead?.t.close();
});

describe("an alert run a head at a time", () => {
  it("decides, dry and for real, what a run of every unit together decides", async () => {
    let queued = 0;
    let skipped = 0;
    for (const asOf of RUN_DAYS) {
      const runs = [];
      for (const s of [whole, oneHead]) {
        s.clock.set(`${asOf}T00:00:00Z`);
        const dry = await s.t.container.alerts.runEvaluation({ asOf, dryRun: true, trigger: "cli" });
        const real = await s.t.container.alerts.runEvaluation({ asOf, dryRun: false, trigger: "schedule" });
        // What the dry run announced is what the real run wrote.
        expect(byRecipient(real.messages), asOf).toEqual(byRecipient(dry.messages));
        expect([real.queued, real.skipped], asOf).toEqual([dry.queued, dry.skipped]);
        runs.push({ ...real, messages: byRecipient(real.messages) });
      }
      expect(runs[1], asOf).toEqual(runs[0]);
      queued += runs[0]!.queued;
      skipped += runs[0]!.skipped;
    }
    // The replay reaches every kind of decision, and the shared head's units one message a run.
    expect(queued).toBeGreaterThan(500);
    expect(skipped).toBeGreaterThan(50);
    const [w, o] = [await ledgerOf(whole), await ledgerOf(oneHead)];
    expect(o.alerts.length).toBeGreaterThan(500);
    expect(o.outbox.some((m) => m.kind === "admin")).toBe(true);
    expect(o).toEqual(w);
    const head = province.units[0]!.headEmail.toLowerCase();
    const units = new Set(w.alerts.filter((a) => a.recipient === head).map((a) => a.unitCode));
    expect(units.size).toBe(3);
    const perMessage = new Map<string, Set<string>>();
    for (const a of w.alerts.filter((x) => x.recipient === head && x.message))
      perMessage.set(a.message!, (perMessage.get(a.message!) ?? new Set()).add(a.unitCode));
    expect([...perMessage.values()].some((s) => s.size > 1)).toBe(true);
  }, 600_000);

  it("previews what a run of every unit together previews, whole and for one unit", async () => {
    for (const asOf of ["2022-10-03", "2022-12-30", "2023-01-09"] as const) {
      const w = whole.t.container.alerts;
      const o = oneHead.t.container.alerts;
      const norm = (ps: PreviewMessage[]) =>
        ps
          .map((p) => ({ ...p, text: unsigned(p.text), html: unsigned(p.html) }))
          .sort((a, b) => (`${a.kind}|${a.to}|${a.inLedger}` < `${b.kind}|${b.to}|${b.inLedger}` ? -1 : 1));
      const together = await w.preview(asOf);
      expect(norm(await o.preview(asOf)), asOf).toEqual(norm(together));
      // Everything the run of that day queued shows as held, escalations to the admins included.
      const queued = await queuedOn(asOf);
      const shown = new Set(
        together
          .filter((m) => m.inLedger)
          .flatMap((m) =>
            m.items.map((i) => [i.planYear, i.milestoneId, i.unitCode, i.program, i.stage].join("|")),
          ),
      );
      expect(
        queued.filter((k) => !shown.has(k)),
        asOf,
      ).toEqual([]);
      if (asOf === "2022-10-03") expect(queued.some((k) => k.endsWith("|escalation"))).toBe(true);
      const unit = province.units[1]!.code;
      expect(norm(await o.preview(asOf, unit)), asOf).toEqual(norm(await w.preview(asOf, unit)));
    }
  }, 300_000);
});
