// One evaluation run: statuses from the rules, alerts from the policy, rows and messages from
// the ledger. Same path for the schedule, the API and the CLI, dry or not.
import type { Unit } from "../catalog/catalog.repository.js";
import type { LocalDate } from "../domain/local-date.js";
import type { Plan } from "../domain/plan.js";
import type { PairEvaluation } from "../domain/plan-evaluation.js";
import type { AdminRecipients } from "./admin-recipients.js";
import type { AckLink, AlertMessage, AlertStage, RenderedMessage } from "./alert.types.js";
import { type AlertLedgerRepository, headerMessageIdOf, keyString } from "./alert-ledger.repository.js";
import type { EvaluationRunsRepository } from "./evaluation-runs.repository.js";
import { type AlertIntent, type AlertPolicy, decideAlerts } from "./policy.js";

export type AckLinkSigner = (headerMessageId: string, recipient: string, asOf: LocalDate) => AckLink;

type Deps = {
  ledger: AlertLedgerRepository;
  runs: EvaluationRunsRepository;
  admins: AdminRecipients;
  plans: { years(): Promise<number[]>; planFor(asOf: LocalDate, year?: number): Promise<Plan> };
  rules: { evaluate(plan: Plan, asOf: LocalDate): Promise<PairEvaluation[]> };
  catalog: { listUnits(): Promise<Unit[]>; listPrograms(): Promise<{ code: string; name: string }[]> };
  policy: () => Promise<AlertPolicy> | AlertPolicy;
  render: (m: AlertMessage) => RenderedMessage;
  /** Signs the acknowledgement link a unit head's message carries (src/acknowledgements); async once, for the key. */
  ackLinks?: () => Promise<AckLinkSigner>;
  lock: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
  instance: string;
  /** Counts every real run, whoever started it (schedule, API, CLI). */
  onFinished?: (ok: boolean) => void;
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
  messages: { kind: string; to: string; items: number; subject: string }[];
};

/** Groups the intents of a run into messages: one per recipient (admins' escalations and digest together). */
function groupByMessage(intents: AlertIntent[]): AlertIntent[][] {
  const groups = new Map<string, AlertIntent[]>();
  for (const i of intents) {
    const k = `${i.route.kind === "unit" ? "unit" : "admin"}|${i.route.to.toLowerCase()}`;
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  }
  return [...groups.values()];
}

export function buildMessage(asOf: LocalDate, group: AlertIntent[]): AlertMessage {
  const first = group[0]!;
  const items = (of: AlertIntent[]) =>
    of.flatMap((i) =>
      i.snapshots.map((snapshot) => ({
        stage: (i.route.kind === "digest" ? "digest" : i.key.stage) as AlertStage,
        snapshot,
      })),
    );
  if (first.route.kind === "unit")
    return {
      kind: "unit",
      asOf,
      recipient: { name: first.route.toName, email: first.route.to },
      items: items(group),
    };
  const digest = group.filter((i) => i.route.kind === "digest");
  return {
    kind: "admin",
    asOf,
    recipient: { email: first.route.to },
    escalation: items(group.filter((i) => i.route.kind === "escalation")),
    digest: digest.length > 0 ? { weekOf: digest[0]!.route.weekOf ?? asOf, items: items(digest) } : null,
  };
}

const kindOf = (g: AlertIntent[]) => (g[0]!.route.kind === "unit" ? "unit" : "admin");

export function createAlertsService(d: Deps) {
  /** The message of a group as it is sent: a unit head's carries its acknowledgement link. */
  function messageOf(
    asOf: LocalDate,
    group: AlertIntent[],
    headerMessageId: string,
    sign: AckLinkSigner | null,
  ): AlertMessage {
    const m = buildMessage(asOf, group);
    if (m.kind !== "unit" || !sign) return m;
    return { ...m, ack: sign(headerMessageId, m.recipient.email.toLowerCase(), asOf) };
  }
  /** Renders as a real run would; a dry run or preview names the Message-ID from the same keys. */
  async function renderer(asOf: LocalDate) {
    const sign = d.ackLinks ? await d.ackLinks() : null;
    return (group: AlertIntent[], headerMessageId?: string) =>
      d.render(messageOf(asOf, group, headerMessageId ?? headerMessageIdOf(group.map((i) => i.key)), sign));
  }

  /** Every plan that can still produce alerts on asOf: this year's and last year's. */
  async function plansInPlay(asOf: LocalDate): Promise<Plan[]> {
    const year = Number(asOf.slice(0, 4));
    const years = (await d.plans.years()).filter((y) => y === year || y === year - 1);
    // No fallback to an older plan: its milestones closed long ago, and judging them again would
    // record every stage as skipped and list its missed units in every weekly digest, forever.
    return Promise.all(years.map((y) => d.plans.planFor(asOf, y)));
  }

  async function decide(asOf: LocalDate) {
    const [plans, units, programs, admins, policy] = await Promise.all([
      plansInPlay(asOf),
      d.catalog.listUnits(),
      d.catalog.listPrograms(),
      d.admins.emails(),
      d.policy(),
    ]);
    const unitMap = new Map(units.map((u) => [u.code, u]));
    const programNames = new Map(programs.map((p) => [p.code, p.name]));
    const intents: AlertIntent[] = [];
    for (const plan of plans) {
      const [evaluations, warned] = await Promise.all([
        d.rules.evaluate(plan, asOf),
        d.ledger.warnedPairs(plan.year),
      ]);
      intents.push(
        ...decideAlerts({ plan, asOf, evaluations, units: unitMap, programNames, admins, warned, policy }),
      );
    }
    const existing = await d.ledger.existing(intents.map((i) => i.key));
    return { plans, fresh: intents.filter((i) => !existing.has(keyString(i.key))) };
  }

  async function run(opts: RunOptions): Promise<RunResult> {
    const { asOf, dryRun } = opts;
    const { plans, fresh } = await decide(asOf);
    const skipped = fresh.filter((i) => i.outcome === "skipped");
    const groups = groupByMessage(fresh.filter((i) => i.outcome === "queued"));
    const result: RunResult = {
      asOf,
      dryRun,
      ran: true,
      planYears: plans.map((p) => p.year),
      queued: 0,
      skipped: 0,
      messages: [],
    };
    const render = await renderer(asOf);
    if (dryRun) {
      result.skipped = skipped.length;
      for (const g of groups) {
        const rendered = render(g);
        result.queued += g.length;
        result.messages.push({
          kind: g[0]!.route.kind,
          to: g[0]!.route.to,
          items: g.length,
          subject: rendered.subject,
        });
      }
      return result;
    }
    result.skipped = await d.ledger.recordSkipped(skipped, asOf);
    for (const g of groups) {
      let subject = "";
      const written = await d.ledger.enqueue(g, asOf, (mine, headerMessageId) => {
        const rendered = render(mine, headerMessageId);
        subject = rendered.subject;
        return rendered;
      });
      if (!written) continue; // another instance wrote these first
      result.queued += written.alerts;
      result.messages.push({ kind: kindOf(g), to: g[0]!.route.to, items: written.alerts, subject });
    }
    return result;
  }

  return {
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

    /** Renders what a unit's head would receive on asOf, without writing anything. */
    async preview(asOf: LocalDate, unitCode: string) {
      const { fresh } = await decide(asOf);
      const mine = fresh.filter(
        (i) => i.outcome === "queued" && i.route.kind === "unit" && i.key.unitCode === unitCode,
      );
      const render = await renderer(asOf);
      return groupByMessage(mine).map((g) => ({
        to: g[0]!.route.to,
        cc: g[0]!.route.cc,
        ...render(g),
      }));
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
