// How a run walks the country a few heads at a time, so that what it holds at once does not grow
// with the country: deciding every unit's alerts at once, a dry run over 10,000 units peaked at
// 1.3 GB of heap. Every unit of one head falls in one chunk, since a head gets one message.
import { type Evaluation, EvaluationTable } from "../domain/evaluation-table.js";
import type { PairEvaluation } from "../domain/plan-evaluation.js";

/**
 * Units per chunk: a chunk's alerts, snapshots and keys stay a few megabytes. A dry run over
 * 10,000 units on 01/12/2022 peaked at 106-116 MB of heap with 100 or 200, 120 MB with 500.
 */
export const CHUNK_UNITS = 200;

/** The message address of a head: how groupByMessage tells two recipients apart. */
const addressOf = (u: { headEmail: string }) => u.headEmail.toLowerCase();

/**
 * The unit codes in chunks of at least `size` units (the last may hold fewer), ordered by head
 * address then code; the units of one head never split between chunks.
 */
export function chunksByHead(
  units: readonly { code: string; headEmail: string }[],
  size: number,
): string[][] {
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`chunk size ${size}`);
  const sorted = [...units].sort((a, b) => {
    const x = addressOf(a);
    const y = addressOf(b);
    return x < y ? -1 : x > y ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
  const out: string[][] = [];
  let chunk: string[] = [];
  sorted.forEach((u, k) => {
    chunk.push(u.code);
    const next = sorted[k + 1];
    if (chunk.length >= size && (!next || addressOf(next) !== addressOf(u))) {
      out.push(chunk);
      chunk = [];
    }
  });
  if (chunk.length > 0) out.push(chunk);
  return out;
}

/** unit code → the numbers of its rows in the evaluation, in order. */
export function rowsByUnit(evaluation: Evaluation): Map<string, number[]> {
  const out = new Map<string, number[]>();
  // The table names a row's unit without making the row: 150,000 rows made cost 24 ms.
  const unitOf =
    evaluation instanceof EvaluationTable
      ? (i: number) => evaluation.unitCodeAt(i)
      : (i: number) => evaluation.at(i).unitCode;
  for (let i = 0; i < evaluation.length; i++) {
    const code = unitOf(i);
    const rows = out.get(code);
    if (rows) rows.push(i);
    else out.set(code, [i]);
  }
  return out;
}

/** The rows of some units, in the evaluation's order, each made as it is read. */
export function rowsOf(
  evaluation: Evaluation,
  byUnit: ReadonlyMap<string, readonly number[]>,
  units: readonly string[],
): Evaluation {
  const picked: number[] = [];
  for (const u of units) for (const i of byUnit.get(u) ?? []) picked.push(i);
  picked.sort((a, b) => a - b);
  return {
    length: picked.length,
    at: (k: number): PairEvaluation => {
      const i = picked[k];
      if (i === undefined) throw new RangeError(`row ${k} of ${picked.length}`);
      return evaluation.at(i);
    },
    *[Symbol.iterator]() {
      for (const i of picked) yield evaluation.at(i);
    },
  };
}

/** The items of some units, from a list keyed by unit code (duties, say), in the list's order. */
export function ofUnits<T extends { unitCode: string }>(items: readonly T[], units: readonly string[]): T[] {
  const wanted = new Set(units);
  return items.filter((i) => wanted.has(i.unitCode));
}
