// What admission reads besides the scopes (the years' plans and closings), kept between posts:
// they change rarely, and reading them cost every post two of its six round trips. They are kept
// by the admission epoch (migration ..._admission_epoch), which any change to a plan or a closing
// moves and which a post reads in the statement that takes its scopes' locks: when it has moved,
// the post's transaction is run again on what is read anew (src/ledger/ledger.service.ts).
import type { ClosedMilestone } from "../domain/closing.js";
import type { LocalDate } from "../domain/local-date.js";
import type { Plan } from "../domain/plan.js";

/** What admission needs besides the scopes' movements, read before the write's transaction. */
export type AdmissionContext = {
  today: LocalDate;
  plans: ReadonlyMap<number, Plan | null>;
  closings: ReadonlyMap<number, readonly ClosedMilestone[]>;
  /** The admission epoch the plans and closings were kept at; null when read for this write alone. */
  epoch: bigint | null;
};

/** The plans or closings changed since they were kept: load the years again and rerun the write. */
export class StaleAdmissionContext extends Error {
  constructor(readonly years: number[]) {
    super("the plans or closings changed while the write was admitted");
  }
}

export type AdmissionYear = { plan: Plan | null; closings: readonly ClosedMilestone[] };

export type AdmissionReads = {
  /** The admission epoch now. */
  epoch(): Promise<bigint>;
  year(planYear: number): Promise<AdmissionYear>;
};

export function createAdmissionContexts(read: AdmissionReads, today: () => LocalDate) {
  /** The epoch of what `kept` holds; null when nothing is kept. */
  let epoch: bigint | null = null;
  const kept = new Map<number, AdmissionYear>();

  const unique = (years: Iterable<number>) => [...new Set(years)];

  /** Reads the years not kept, and all of them again when the epoch has moved. */
  async function load(years: Iterable<number>): Promise<void> {
    // Read before the years: what is kept is never older than the epoch it is kept at.
    const seen = await read.epoch();
    if (epoch === null || seen > epoch) {
      kept.clear();
      epoch = seen;
    } else if (seen < epoch) return; // a load begun before a newer one: the newer one stands
    const missing = unique(years).filter((y) => !kept.has(y));
    const read_ = await Promise.all(missing.map(async (y) => [y, await read.year(y)] as const));
    if (epoch !== seen) return; // a newer load replaced what is kept meanwhile
    for (const [y, v] of read_) kept.set(y, v);
  }

  return {
    load,

    /** Reads what is not kept yet; no query when every year is. */
    async ensure(years: Iterable<number>): Promise<void> {
      if (epoch === null || unique(years).some((y) => !kept.has(y))) await load(years);
    },

    /** The kept context of the years; StaleAdmissionContext when one is not kept (any longer). */
    current(years: Iterable<number>): AdmissionContext {
      const ys = unique(years);
      const plans = new Map<number, Plan | null>();
      const closings = new Map<number, readonly ClosedMilestone[]>();
      for (const y of ys) {
        const v = kept.get(y);
        if (!v || epoch === null) throw new StaleAdmissionContext(ys);
        plans.set(y, v.plan);
        closings.set(y, v.closings);
      }
      return { today: today(), plans, closings, epoch };
    },

    /**
     * The epoch the write's transaction read beside its locks: a context kept at another one is
     * stale, and so is everything kept with it.
     */
    check(ctx: AdmissionContext, seen: bigint): void {
      if (ctx.epoch === null || ctx.epoch === seen) return;
      if (epoch === ctx.epoch) {
        kept.clear();
        epoch = null;
      }
      throw new StaleAdmissionContext([...ctx.plans.keys()]);
    },
  };
}

export type AdmissionContexts = ReturnType<typeof createAdmissionContexts>;
