// The refund milestone (REF) reuses the rate arithmetic over other figures: what is due back is
// the year's allocation less what was disbursed by the end of the adjustment period and less
// approved carry-forward (plan III.5); it is met when refunds reach 100% of that.
import type { ScopeFigures } from "./milestone-status.js";

export type RefundFigures = { carriedForward: bigint; refunded: bigint; recentRefunded: bigint };

export const NO_REFUNDS: RefundFigures = { carriedForward: 0n, refunded: 0n, recentRefunded: 0n };

/** `ledger`: allocated and disbursed in the milestone's scope, cut at its date like any milestone. */
export function refundScopeFigures(ledger: ScopeFigures, r: RefundFigures): ScopeFigures {
  return {
    allocated: ledger.allocated - ledger.disbursed - r.carriedForward,
    disbursed: r.refunded,
    recentDisbursed: r.recentRefunded,
  };
}
