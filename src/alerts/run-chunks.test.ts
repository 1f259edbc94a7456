import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EvaluationTable } from "../domain/evaluation-table.js";
import { newRow } from "../domain/plan-evaluation.js";
import { chunksByHead, ofUnits, rowsByUnit, rowsOf } from "./run-chunks.js";

const units = fc
  .uniqueArray(fc.integer({ min: 0, max: 99 }), { maxLength: 60 })
  .chain((codes) =>
    fc.tuple(
      fc.constant(codes),
      fc.array(fc.constantFrom("a@x.vn", "A@x.vn", "b@x.vn", "c@y.vn", "d@y.vn"), {
        minLength: codes.length,
        maxLength: codes.length,
      }),
    ),
  )
  .map(([codes, heads]) => codes.map((c, k) => ({ code: `U${c}`, headEmail: heads[k]! })));

describe("chunksByHead", () => {
  it("splits every unit into exactly one chunk, never a head between two, each at least the size but the last", () => {
    fc.assert(
      fc.property(units, fc.integer({ min: 1, max: 20 }), (us, size) => {
        const chunks = chunksByHead(us, size);
        expect(chunks.flat().sort()).toEqual(us.map((u) => u.code).sort());
        const chunkOf = new Map(chunks.flatMap((c, k) => c.map((code) => [code, k])));
        const head = new Map(us.map((u) => [u.code, u.headEmail.toLowerCase()]));
        for (const a of us)
          for (const b of us)
            if (head.get(a.code) === head.get(b.code)) expect(chunkOf.get(a.code)).toBe(chunkOf.get(b.code));
        chunks.slice(0, -1).forEach((c) => {
          expect(c.length).toBeGreaterThanOrEqual(size);
        });
        expect(chunks.every((c) => c.length > 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps a chunk small when heads are: one head, one chunk", () => {
    const us = [
      { code: "B", headEmail: "h1@x.vn" },
      { code: "A", headEmail: "h2@x.vn" },
      { code: "C", headEmail: "H1@x.vn" },
    ];
    expect(chunksByHead(us, 1)).toEqual([["B", "C"], ["A"]]);
    expect(chunksByHead(us, 500)).toEqual([["B", "C", "A"]]);
    expect(chunksByHead([], 5)).toEqual([]);
  });

  it("refuses a size that is not a whole number above zero", () => {
    for (const size of [0, -1, 1.5, Number.NaN]) expect(() => chunksByHead([], size)).toThrow(RangeError);
  });
});

describe("rowsOf", () => {
  it("hands out each chunk's rows in the evaluation's order, and every row once over all chunks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.constantFrom("NTM", "GNBV")), { maxLength: 80 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (pairs, size, asTable) => {
          const rows = pairs.map(([u, p], k) => ({
            ...newRow(`U${u}`, p, 2022, "rate", 0),
            allocated: BigInt(k),
          }));
          const table = new EvaluationTable(4);
          for (const r of rows) table.push(r);
          const evaluation = asTable ? table : Object.assign([...rows], { at: (i: number) => rows[i]! });
          const byUnit = rowsByUnit(evaluation);
          const codes = [...new Set(rows.map((r) => r.unitCode))].map((code) => ({ code, headEmail: code }));
          const seen: bigint[] = [];
          for (const chunk of chunksByHead(codes, size)) {
            const part = rowsOf(evaluation, byUnit, chunk);
            const read = [...part];
            expect(read.map((r) => r.unitCode).every((u) => chunk.includes(u))).toBe(true);
            expect(read.length).toBe(part.length);
            read.forEach((r, k) => {
              expect(part.at(k)).toStrictEqual(r);
            });
            const order = read.map((r) => r.allocated);
            expect(order).toEqual([...order].sort((a, b) => (a < b ? -1 : 1)));
            for (const r of read) seen.push(r.allocated);
          }
          expect(seen.sort((a, b) => (a < b ? -1 : 1))).toEqual(rows.map((r) => r.allocated));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses a row number outside the chunk", () => {
    const table = new EvaluationTable();
    table.push(newRow("A", "NTM", 2022, "rate", 0));
    const part = rowsOf(table, rowsByUnit(table), ["A"]);
    expect(() => part.at(1)).toThrow(RangeError);
    expect(table.unitCodeAt(0)).toBe("A");
    expect(() => table.unitCodeAt(1)).toThrow(RangeError);
  });
});

describe("ofUnits", () => {
  it("keeps the items of the chunk's units, in order", () => {
    const items = [{ unitCode: "A" }, { unitCode: "B" }, { unitCode: "A" }, { unitCode: "C" }];
    expect(ofUnits(items, ["A", "C"])).toEqual([items[0], items[2], items[3]]);
  });
});
