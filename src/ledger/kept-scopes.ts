// What this process last knew of the scopes posts alone write (src/ledger/ledger.service.ts,
// writeAlone): each scope's movements and the stamp of the transaction that left them
// (changed_tx), kept by unit and plan year. A post alone whose scopes are all known here is judged
// on them and sent as its INSERT alone, which checks those stamps under the scopes' locks: one
// round trip instead of two. A post on scopes not known reads every scope of its units and years
// (one round trip, as before), so the units' next posts need no read.
//
// A stamp names one state of a scope's figures (a transaction id is never reused), so kept
// figures can be stale but never wrong for their stamp: a stale one fails the INSERT's check,
// and the post is judged again on a fresh read. A refusal is never made on kept figures alone.
import { type LedgerScope, type Movement, scopeKey, unitYearOf } from "../domain/ledger-rules.js";

type Kept = { changed: bigint; moves: readonly Movement[] };

/**
 * A unit's scopes in a plan year. `complete` when they were read all at once: a scope missing
 * then had no figures (stamp -1), until a write or a read says otherwise. `weight`: what it counts
 * towards the bound, one for itself and for each of its scopes and their movements.
 */
type UnitYear = { scopes: Map<string, Kept>; complete: boolean; weight: number };

/**
 * Units' years, scopes and movements kept at most, each counting one: 6.7 MB of heap, full, with
 * 5,454 scopes of 8 dates each (measured with a throw-away script). A busy scope moves on a few dozen
 * dates a year, so this holds the last few hundred units an officer posted for; the units read
 * or written longest ago go first. Units and scopes count too, so that reads of units without
 * figures (each year of each unit a clerk tries) cannot grow it past the bound either.
 */
const MAX_WEIGHT = 50_000;

const NO_FIGURES: Kept = { changed: -1n, moves: [] };

/** The scope's movements with `added` summed in, one movement per kind and date. */
function merged(before: readonly Movement[], added: readonly Movement[]): Movement[] {
  const out: Movement[] = [];
  const at = new Map<string, number>();
  for (const list of [before, added])
    for (const m of list) {
      const k = `${m.kind}|${m.date}`;
      const i = at.get(k);
      if (i === undefined) {
        at.set(k, out.length);
        out.push({ kind: m.kind, date: m.date, amount: m.amount });
      } else {
        const was = out[i]!;
        out[i] = { kind: was.kind, date: was.date, amount: was.amount + m.amount };
      }
    }
  return out;
}

export function createKeptScopes(maxWeight = MAX_WEIGHT) {
  // In order of last use: the first entry is the next to go.
  const units = new Map<string, UnitYear>();
  let held = 0;

  function drop(unitYear: string) {
    const u = units.get(unitYear);
    if (!u) return;
    held -= u.weight;
    units.delete(unitYear);
  }

  /** The unit-year, moved to the end of the order (created empty and not complete if new). */
  function touched(unitYear: string): UnitYear {
    let u = units.get(unitYear);
    if (u) units.delete(unitYear);
    else {
      u = { scopes: new Map(), complete: false, weight: 1 };
      held += 1;
    }
    units.set(unitYear, u);
    return u;
  }

  function put(u: UnitYear, key: string, kept: Kept) {
    const was = u.scopes.get(key);
    const delta = 1 + kept.moves.length - (was ? 1 + was.moves.length : 0);
    u.scopes.set(key, kept);
    u.weight += delta;
    held += delta;
  }

  function bound() {
    for (const unitYear of units.keys()) {
      if (held <= maxWeight) break;
      drop(unitYear);
    }
  }

  return {
    /**
     * The movements and stamp of every scope of `scopes`, by key (`keys`: sorted, each once), or
     * null when one of them is not known.
     */
    take(
      keys: readonly string[],
      scopes: readonly LedgerScope[],
    ): { histories: Map<string, Movement[]>; changed: bigint[] } | null {
      const unitOf = new Map(scopes.map((s) => [scopeKey(s), unitYearOf(s)]));
      const histories = new Map<string, Movement[]>();
      const changed: bigint[] = [];
      for (const key of keys) {
        const u = units.get(unitOf.get(key)!);
        const k = u?.scopes.get(key) ?? (u?.complete ? NO_FIGURES : undefined);
        if (!k) return null;
        if (k.moves.length > 0) histories.set(key, k.moves as Movement[]);
        changed.push(k.changed);
      }
      return { histories, changed };
    },

    /** Every scope of `unitYears`, read at once: what they hold now, replacing what was known. */
    read(
      unitYears: readonly string[],
      rows: readonly { unitYear: string; key: string; changed: bigint; moves: readonly Movement[] }[],
    ): void {
      for (const unitYear of unitYears) {
        drop(unitYear);
        touched(unitYear).complete = true;
      }
      for (const r of rows) {
        const u = units.get(r.unitYear);
        if (u) put(u, r.key, { changed: r.changed, moves: r.moves });
      }
      bound();
    },

    /**
     * A write alone committed in transaction `tx`, judged on `before` (its scopes' movements as
     * the stamps it checked left them): each scope is now `before` plus the write's movements.
     */
    wrote(
      keys: readonly string[],
      before: ReadonlyMap<string, readonly Movement[]>,
      moves: readonly (LedgerScope & Movement)[],
      tx: bigint,
    ): void {
      const added = new Map<string, Movement[]>();
      const unitOf = new Map<string, string>();
      for (const m of moves) {
        const key = scopeKey(m);
        unitOf.set(key, unitYearOf(m));
        const list = added.get(key);
        if (list) list.push(m);
        else added.set(key, [m]);
      }
      for (const key of keys)
        put(touched(unitOf.get(key)!), key, {
          changed: tx,
          moves: merged(before.get(key) ?? [], added.get(key) ?? []),
        });
      bound();
    },

    /** Forgets the scopes' units and years: a kept stamp was found stale, or a write's outcome is unknown. */
    forget(scopes: readonly LedgerScope[]): void {
      for (const s of scopes) drop(unitYearOf(s));
    },

    /** Units' years, scopes and movements known now, and their weight towards the bound. */
    size() {
      const scopes = [...units.values()].flatMap((u) => [...u.scopes.values()]);
      return {
        units: units.size,
        scopes: scopes.length,
        movements: scopes.reduce((n, k) => n + k.moves.length, 0),
        weight: held,
      };
    },
  };
}

export type KeptScopes = ReturnType<typeof createKeptScopes>;
