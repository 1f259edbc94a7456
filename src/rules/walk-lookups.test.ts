import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { UnitInfo } from "../domain/at-risk.js";
import { unitsInWalkOrder } from "./walk-lookups.js";

const unit = (code: string): UnitInfo => ({ code, name: `Đơn vị ${code}`, kind: "district" });

describe("unitsInWalkOrder", () => {
  it("answers as the map does, for codes asked in any order, known or not", () => {
    const code = fc.stringMatching(/^[A-Z]{0,2}[0-9]{0,3}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(code, { maxLength: 40 }),
        fc.array(code, { maxLength: 120 }),
        fc.boolean(),
        (codes, asked, ascending) => {
          const units = new Map(codes.map((c) => [c, unit(c)]));
          const lookup = unitsInWalkOrder(units);
          // A walk asks in ascending order; any order must still be answered right.
          const order = ascending ? [...asked].sort() : asked;
          for (const c of order) expect(lookup(c)).toBe(units.get(c));
        },
      ),
      { numRuns: 400 },
    );
  });
});
