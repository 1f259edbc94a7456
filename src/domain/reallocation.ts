// Reallocation approvals (plan III.5): capital an approved request takes from the giving unit
// joins the receiving units' plans. Pure: which adjustments an approval writes, and why an
// approval is refused. The adjustments always sum to zero, so the province total never moves.
import type { FieldIssue } from "./errors.js";
import type { LocalDate } from "./local-date.js";
import type { CapitalType, FundingSource } from "./plan.js";

export type LineKey = { program: string; source: FundingSource; capitalType: CapitalType };
export type RequestedLine = LineKey & { amount: bigint };
export type ApprovedLine = LineKey & {
  approvedAmount: bigint;
  recipients: { unitCode: string; amount: bigint }[];
};

export type Adjustment = LineKey & { unitCode: string; amount: bigint };

const keyOf = (l: LineKey) => `${l.program}|${l.source}|${l.capitalType}`;

export function approvalIssues(
  givingUnit: string,
  requested: readonly RequestedLine[],
  approved: readonly ApprovedLine[],
): FieldIssue[] {
  const asked = new Map(requested.map((l) => [keyOf(l), l.amount]));
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  approved.forEach((line, i) => {
    const at = (field: string) => `lines.${i}.${field}`;
    const key = keyOf(line);
    const max = asked.get(key);
    if (max === undefined)
      issues.push({
        field: at("program"),
        rule: "requested_line",
        message: `the request offers nothing for ${key.replaceAll("|", " / ")}`,
      });
    if (seen.has(key))
      issues.push({
        field: at("program"),
        rule: "unique_line",
        message: `${key.replaceAll("|", " / ")} is approved twice`,
      });
    seen.add(key);
    if (line.approvedAmount <= 0n)
      issues.push({
        field: at("approvedAmount"),
        rule: "positive",
        message: "the approved amount must be above zero",
      });
    if (max !== undefined && line.approvedAmount > max)
      issues.push({
        field: at("approvedAmount"),
        rule: "at_most_requested",
        message: `at most the ${max} đồng requested can be approved`,
      });
    const total = line.recipients.reduce((s, r) => s + r.amount, 0n);
    if (total !== line.approvedAmount)
      issues.push({
        field: at("recipients"),
        rule: "sum_equals_approved",
        message: `the receiving amounts add up to ${total}, not the ${line.approvedAmount} approved`,
      });
    const receivers = new Set<string>();
    line.recipients.forEach((r, j) => {
      if (r.amount <= 0n)
        issues.push({
          field: at(`recipients.${j}.amount`),
          rule: "positive",
          message: "each receiving amount must be above zero",
        });
      if (r.unitCode === givingUnit)
        issues.push({
          field: at(`recipients.${j}.unitCode`),
          rule: "not_the_giver",
          message: "a unit cannot receive its own capital",
        });
      if (receivers.has(r.unitCode))
        issues.push({
          field: at(`recipients.${j}.unitCode`),
          rule: "unique_recipient",
          message: `${r.unitCode} is named twice`,
        });
      receivers.add(r.unitCode);
    });
  });
  if (approved.length === 0)
    issues.push({
      field: "lines",
      rule: "non_empty",
      message: "approve at least one line, or reject the request",
    });
  return issues;
}

/** The allocation adjustments of an approval: the giver loses what each receiver gains. */
export function approvalAdjustments(givingUnit: string, approved: readonly ApprovedLine[]): Adjustment[] {
  return approved.flatMap((line) => {
    const { program, source, capitalType } = line;
    return [
      { unitCode: givingUnit, program, source, capitalType, amount: -line.approvedAmount },
      ...line.recipients.map((r) => ({
        unitCode: r.unitCode,
        program,
        source,
        capitalType,
        amount: r.amount,
      })),
    ];
  });
}

export type Decision = { decisionRef: string; decidedOn: LocalDate };
