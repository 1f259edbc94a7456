// One evaluation run: statuses from the rules, alerts from the policy, rows in the alert ledger
// and, in the same transaction, their messages in the outbox. Same path for the schedule, the API
// and the CLI, dry or not.
import type { Unit } from "../catalog/catalog.repository.js";
import { releasePrismaDebugHistory } from "../db/prisma-debug-history.js";
import type { DutyEvaluation } from "../domain/duties.js";
import { NotFoundError } from "../domain/errors.js";
import type { Evaluation } from "../domain/evaluation-table.js";
import { type LocalDate, todayIn } from "../domain/local-date.js";
import type { Plan } from "../domain/plan.js";
import type { WorkingCalendar } from "../domain/working-days.js";
import type { AdminRecipients } from "./admin-recipients.js";
import type { RenderedMessage } from "./alert.types.js";
import type { AlertFilter, AlertLedgerRepository } from "./alert-ledger.repository.js";
import { ccOf, groupByMessage, type MessageGroup, type MessageKind, narrowGroup } from "./alert-messages.js";
import type { EvaluationRunsRepository } from "./evaluation-runs.repository.js";
import type { Composer, OutboxService } from "./outbox.service.js";
import {
  type AlertIntent,
  type AlertPolicy,
  decideDigest,
  decidePairAlerts,
  digestDayOfWeek,
  keyString,
  nextPairWatch,
  type PairWatchUpdate,
  type PolicyInput,
  type TreasuryDifference,
} from "./policy.js";
import { CHUNK_UNITS, chunksByHead, ofUnits, rowsByUnit, rowsOf } from "./run-chunks.js";

export type { AckLinkSigner } from "./outbox.service.js";

type Deps = {
  ledger: Pick<
    AlertLedgerRepository,
    | "existing"
    | "warningsOf"
    | "pairWatch"
    | "savePairWatch"
    | "missedNotices"
    | "acknowledgementsOf"
    | "recordSkipped"
    | "recordQueued"
    | "attachMessage"
    | "transaction"
    | "list"
  >;
  /** Names, renders and queues the messages (src/alerts/outbox.service.ts). */
  outbox: Pick<OutboxService, "composer" | "enqueue">;
  runs: EvaluationRunsRepository;
  admins: AdminRecipients;
  plans: { years(): Promise<number[]>; planFor(asOf: LocalDate, year?: number): Promise<Plan> };
  rules: { evaluate(plan: Plan, asOf: LocalDate): Promise<Evaluation> };
  catalog: { listUnits(): Promise<Unit[]>; listPrograms(): Promise<{ code: string; name: string }[]> };
  policy: () => Promise<AlertPolicy> | AlertPolicy;
  /** Working days: library holidays and the admins' days off (src/calendar). */
  calendar: () => Promise<WorkingCalendar>;
  /** Closed milestones of a plan year: the digest lists only what is still open. */
  closings: {
    closedMilestones(planYear: number): Promise<{ milestoneId: string; dueOn: LocalDate; closedAt: Date }[]>;
  };
  /** Each duty of the plan with each unit it asks, judged as of asOf (src/duties); absent: no duties. */
  duties?: (plan: Plan, asOf: LocalDate) => Promise<DutyEvaluation[]>;
  /** Treasury differences unresolved for at least olderThanDays days on today (src/treasury); absent: none. */
  treasuryDifferences?: (olderThanDays: number, today: LocalDate) => Promise<TreasuryDifference[]>;
  lock: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
  instance: string;
  /** Counts every real run, whoever started it (schedule, API, CLI). */
  onFinished?: (ok: boolean) => void;
  /** Units decided at a time (default CHUNK_UNITS). */
  chunkUnits?: number;
};

export type RunOptions = {
  asOf: LocalDate;
  dryRun: boolean;
  trigger: "schedule" | "api" | "cli" | "startup";
};

export type RunResult = {
  asOf: LocalDate;
  dryRun: boolean;
  /** False when another instance was already running an evaluation. */
  ran: boolean;
  planYears: number[];
  queued: number;
  skipped: number;
  /** The same kinds, dry or real: "unit" to unit heads, "admin" to admins (escalations and digest). */
  messages: { kind: MessageKind; to: string; items: number; subject: string }[];
};

/** A message a preview shows: what a run would send (inLedger false), or what the ledger already holds. */
export type PreviewMessage = {
  kind: MessageKind;
  to: string;
  cc: string[];
  inLedger: boolean;
  items: { planYear: number; milestoneId: string; unitCode: string; program: string; stage: string }[];
} & RenderedMessage;

export function createAlertsService(d: Deps) {
  /** Every plan that can still produce alerts on asOf: this year's and last year's. */
  async function plansInPlay(asOf: LocalDate): Promise<Plan[]> {
    const year = Number(asOf.slice(0, 4));
    const years = (await d.plans.years()).filter((y) => y === year || y === year - 1);
    // No fallback to an older plan: its milestones closed long ago, and judging them again would
    // record every stage as skipped and list its missed units in every weekly digest, forever.
    return Promise.all(years.map((y) => d.plans.planFor(asOf, y)));
  }

  /** The milestones of a plan closed by asOf (a closing speaks only after the due date). */
  async function closedBy(plan: Plan, asOf: LocalDate): Promise<Set<string>> {
    const closings = await d.closings.closedMilestones(plan.year);
    return new Set(
      closings.filter((c) => asOf > c.dueOn && todayIn(c.closedAt) <= asOf).map((c) => c.milestoneId),
    );
  }

  /** What a run decides from, read once: each plan's evaluation, duties and alert history. */
  async function prepare(asOf: LocalDate) {
    const [plans, units, programs, admins, policy, calendar] = await Promise.all([
      plansInPlay(asOf),
      d.catalog.listUnits(),
      d.catalog.listPrograms(),
      d.admins.emails(),
      d.policy(),
      d.calendar(),
    ]);
    const unitMap = new Map(units.map((u) => [u.code, u]));
    const programNames = new Map(programs.map((p) => [p.code, p.name]));
    // The Treasury's differences are not a plan's: the newest plan's digest lists them all, once.
    // Read only on the days a digest can go out (decideDigest decides; this only spares the
    // comparison of every unit's latest statement with the ledger on the other days).
    const digestDay = digestDayOfWeek(asOf, policy.digestWeekday, calendar);
    const digestDue =
      admins.length > 0 && calendar.isWorkingDay(asOf) && !!digestDay && asOf >= digestDay.sendOn;
    const treasuryDifferences =
      d.treasuryDifferences && digestDue
        ? await d.treasuryDifferences(policy.treasuryDifferenceDigestAfterDays, asOf)
        : [];
    const newest = Math.max(...plans.map((p) => p.year));
    const inPlay: { input: PolicyInput; evaluation: Evaluation; duties: DutyEvaluation[] }[] = [];
    for (const plan of plans) {
      const [evaluation, duties, warnings, pairWatch, missedNotices, acknowledgements, closed] =
        await Promise.all([
          d.rules.evaluate(plan, asOf),
          d.duties ? d.duties(plan, asOf) : Promise.resolve([]),
          d.ledger.warningsOf(plan.year),
          d.ledger.pairWatch(plan.year),
          d.ledger.missedNotices(plan.year, asOf),
          d.ledger.acknowledgementsOf(plan.year, asOf),
          closedBy(plan, asOf),
        ]);
      const input: PolicyInput = {
        plan,
        asOf,
        evaluations: evaluation,
        units: unitMap,
        programNames,
        admins,
        warnings,
        policy,
        calendar,
        watch: pairWatch,
        missedNotices,
        acknowledgements,
        closed,
        duties,
        treasuryDifferences: plan.year === newest ? treasuryDifferences : [],
      };
      inPlay.push({ input, evaluation, duties });
    }
    return { plans, units, inPlay };
  }

  /**
   * Every intent of asOf, a batch at a time, each with the keys the ledger already holds and
   * what the pair watch learns (written by real runs only). First the heads' batches, a chunk of
   * heads each: their units' alerts, and the escalations of those units recorded as skipped.
   * Then the admins' batch: the escalations queued and the digests. Every alert of one message
   * falls in one batch, so a run holds one chunk at a time, plus what goes to the admins.
   * With `only`: those units' batch alone, without the admins'.
   */
  async function* batches(
    ctx: Awaited<ReturnType<typeof prepare>>,
    { only, held }: { only?: string[]; held: "keep" | "drop" },
  ) {
    const { inPlay, units } = ctx;
    const byUnit = inPlay.map((p) => rowsByUnit(p.evaluation));
    const toAdmins: AlertIntent[][] = inPlay.map(() => []);
    // Keys of the escalations kept for the admins that the ledger holds (a preview keeps them).
    const heldInLedger = new Set<string>();
    for (const chunk of only ? [only] : chunksByHead(units, d.chunkUnits ?? CHUNK_UNITS)) {
      const intents: AlertIntent[] = [];
      const escalations: { i: AlertIntent; plan: number }[] = [];
      const watch: PairWatchUpdate[] = [];
      inPlay.forEach((p, k) => {
        const input: PolicyInput = {
          ...p.input,
          evaluations: rowsOf(p.evaluation, byUnit[k]!, chunk),
          duties: ofUnits(p.duties, chunk),
          treasuryDifferences: [],
        };
        const decided = decidePairAlerts(input);
        for (const i of decided)
          if (i.route.kind === "unit" || i.outcome === "skipped") intents.push(i);
          else escalations.push({ i, plan: k });
        for (const w of nextPairWatch(input, decided)) watch.push(w);
      });
      const existing = await d.ledger.existing(
        [...intents, ...escalations.map((e) => e.i)].map((i) => i.key),
      );
      // A run sends only what the ledger lacks: escalations it holds already need not wait for
      // the admins' batch. The day after a national deadline they are 60,000; every day of the
      // fortnight after it, decided again.
      for (const { i, plan } of escalations) {
        const k = keyString(i.key);
        if (!existing.has(k)) toAdmins[plan]!.push(i);
        else if (held === "keep") {
          toAdmins[plan]!.push(i);
          heldInLedger.add(k);
        }
      }
      yield { intents, watch, existing };
    }
    if (only) return;
    const intents: AlertIntent[] = [];
    const digests: AlertIntent[] = [];
    inPlay.forEach((p, k) => {
      for (const i of toAdmins[k]!) intents.push(i);
      for (const i of decideDigest(p.input)) {
        intents.push(i);
        digests.push(i);
      }
    });
    // The escalations were looked up with their chunk: only the digests are new here.
    const existing = await d.ledger.existing(digests.map((i) => i.key));
    for (const k of heldInLedger) existing.add(k);
    yield { intents, watch: [], existing };
  }

  /**
   * Writes the alert rows of one message and, for those not already there, the outbox message
   * carrying them, atomically: a crash leaves both or neither.
   */
  async function recordQueued(group: MessageGroup, asOf: LocalDate, compose: Composer) {
    const written = await d.ledger.transaction(async (tx) => {
      const inserted = await d.ledger.recordQueued(group.intents, asOf, tx);
      if (inserted.length === 0) return null;
      const fresh = new Set(inserted.map(keyString));
      const message = await d.outbox.enqueue(
        narrowGroup(group, (i) => fresh.has(keyString(i.key))),
        compose,
        tx,
      );
      await d.ledger.attachMessage(
        inserted.map((r) => r.id),
        message.id,
        tx,
      );
      return { alerts: inserted.length, subject: message.subject };
    });
    // A large message (an admin's, the day after a deadline) went through Prisma's debug log too.
    if (group.intents.length > 1000) releasePrismaDebugHistory();
    return written;
  }

  async function run(opts: RunOptions): Promise<RunResult> {
    const { asOf, dryRun } = opts;
    const ctx = await prepare(asOf);
    const result: RunResult = {
      asOf,
      dryRun,
      ran: true,
      planYears: ctx.plans.map((p) => p.year),
      queued: 0,
      skipped: 0,
      messages: [],
    };
    const compose = await d.outbox.composer(asOf);
    for await (const b of batches(ctx, { held: "drop" })) {
      const fresh = b.intents.filter((i) => !b.existing.has(keyString(i.key)));
      const skipped = fresh.filter((i) => i.outcome === "skipped");
      const groups = groupByMessage(fresh.filter((i) => i.outcome === "queued"));
      if (dryRun) {
        result.skipped += skipped.length;
        for (const g of groups) {
          result.queued += g.intents.length;
          result.messages.push({
            kind: g.kind,
            to: g.to,
            items: g.intents.length,
            subject: compose(g).subject,
          });
        }
        continue;
      }
      result.skipped += await d.ledger.recordSkipped(skipped, asOf);
      for (const g of groups) {
        const written = await recordQueued(g, asOf, compose);
        if (!written) continue; // another instance wrote these first
        result.queued += written.alerts;
        result.messages.push({ kind: g.kind, to: g.to, items: written.alerts, subject: written.subject });
      }
      // After the batch's alerts: a crash in between leaves the watch a run behind, and the next
      // run decides from the ledger's warnings again (their unique keys keep each warning once).
      await d.ledger.savePairWatch(b.watch);
      // The batch's rows and messages went through Prisma, whose debug log would keep them.
      releasePrismaDebugHistory();
    }
    return result;
  }

  return {
    /** The alert ledger with each alert's message and delivery state, a page at a time. */
    list: (f: AlertFilter) => d.ledger.list(f),

    /** Runs one evaluation unless another is running (in this or another instance). */
    async runEvaluation(opts: RunOptions): Promise<RunResult> {
      if (opts.dryRun) return run(opts);
      const outcome = await d.lock(async () => {
        const runId = await d.runs.start(opts.asOf, opts.trigger, d.instance);
        try {
          const r = await run(opts);
          await d.runs.finish(runId, { queued: r.queued, skipped: r.skipped, messages: r.messages.length });
          d.onFinished?.(true);
          return r;
        } catch (err) {
          await d.runs.fail(runId, err instanceof Error ? err.message : String(err)).catch(() => {});
          d.onFinished?.(false);
          throw err;
        }
      });
      return (
        outcome ?? {
          asOf: opts.asOf,
          dryRun: false,
          ran: false,
          planYears: [],
          queued: 0,
          skipped: 0,
          messages: [],
        }
      );
    },

    /**
     * What a run on asOf would send, rendered as it would be, without writing anything; with the
     * messages the ledger already holds for that day's decisions beside them (inLedger: true).
     * With a unit: only what its head receives; without: every recipient.
     */
    async preview(asOf: LocalDate, unitCode?: string): Promise<PreviewMessage[]> {
      // A mistyped code would otherwise read as "nothing would be sent to this unit".
      if (unitCode !== undefined && !(await d.catalog.listUnits()).some((u) => u.code === unitCode))
        throw new NotFoundError(`no unit with code ${unitCode}`);
      const ctx = await prepare(asOf);
      const compose = await d.outbox.composer(asOf);
      const out: PreviewMessage[] = [];
      // A preview shows what the ledger holds too: the escalations it holds stay for the admins'.
      const only = unitCode === undefined ? {} : { only: [unitCode] };
      for await (const { intents, existing } of batches(ctx, { held: "keep", ...only })) {
        const mine = intents.filter(
          (i) =>
            i.outcome === "queued" &&
            (unitCode === undefined || (i.route.kind === "unit" && i.key.unitCode === unitCode)),
        );
        for (const group of groupByMessage(mine)) {
          const fresh = narrowGroup(group, (i) => !existing.has(keyString(i.key)));
          const held = narrowGroup(group, (i) => existing.has(keyString(i.key)));
          for (const [g, inLedger] of [
            [fresh, false],
            [held, true],
          ] as const) {
            if (g.intents.length === 0) continue;
            const { headerMessageId: _id, ...rendered } = compose(g);
            out.push({
              kind: g.kind,
              to: g.to,
              cc: ccOf(g),
              inLedger,
              // In key order: the order decided in depends on how the run walked its units.
              items: g.intents
                .map((i) => ({ i, k: keyString(i.key) }))
                .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
                .map(
                  ({
                    i: {
                      key: { planYear, milestoneId, unitCode, program, stage },
                    },
                  }) => ({
                    planYear,
                    milestoneId,
                    unitCode,
                    program,
                    stage,
                  }),
                ),
              ...rendered,
            });
          }
        }
      }
      return out;
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
