import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ApprovedLine,
  approvalAdjustments,
  approvalIssues,
  type RequestedLine,
} from "./reallocation.js";

const asked: RequestedLine[] = [
  { program: "NTM", source: "central", capitalType: "investment", amount: 1_000n },
];
const line = (approvedAmount: bigint, recipients: [string, bigint][]): ApprovedLine => ({
  program: "NTM",
  source: "central",
  capitalType: "investment",
  approvedAmount,
  recipients: recipients.map(([unitCode, amount]) => ({ unitCode, amount })),
});
const rules = (lines: ApprovedLine[]) =>
  approvalIssues("GIVER", asked, lines).map((i) => `body.${i.field}:${i.rule}`);

describe("approvalIssues", () => {
  it("accepts part of what was asked, split between receivers that add up exactly", () => {
    expect(
      rules([
        line(600n, [
          ["A", 400n],
          ["B", 200n],
        ]),
      ]),
    ).toEqual([]);
  });

  it("refuses receivers that do not add up, more than asked, the giver itself, and unknown lines", () => {
    expect(rules([line(600n, [["A", 400n]])])).toEqual(["body.lines.0.recipients:sum_equals_approved"]);
    expect(rules([line(1_001n, [["A", 1_001n]])])).toEqual(["body.lines.0.approvedAmount:at_most_requested"]);
    expect(rules([line(10n, [["GIVER", 10n]])])).toEqual([
      "body.lines.0.recipients.0.unitCode:not_the_giver",
    ]);
    expect(rules([{ ...line(10n, [["A", 10n]]), program: "GNBV" }])).toEqual([
      "body.lines.0.program:requested_line",
    ]);
    expect(rules([])).toEqual(["body.lines:non_empty"]);
  });
});

describe("approvalAdjustments", () => {
  it("takes from the giver what the receivers gain, so the province total never changes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("A", "B", "C", "D"), fc.bigInt({ min: 1n, max: 10n ** 15n })), {
          minLength: 1,
          maxLength: 4,
        }),
        (parts) => {
          const recipients = [...new Map(parts).entries()];
          const total = recipients.reduce((s, [, a]) => s + a, 0n);
          const adjustments = approvalAdjustments("GIVER", [line(total, recipients)]);
          expect(adjustments.reduce((s, a) => s + a.amount, 0n)).toBe(0n);
          expect(adjustments[0]).toMatchObject({ unitCode: "GIVER", amount: -total });
        },
      ),
    );
  });
});
