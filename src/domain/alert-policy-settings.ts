// What ALERT_POLICY may set, with the defaults: plain settings, apart from the policy that reads
// them (src/alerts/policy.ts), so that src/config.ts validates them without loading the alerts.
import { z } from "zod";

export const alertPolicySchema = z.strictObject({
  reminderDaysBefore: z.array(z.number().int().min(1).max(365)).max(10).default([30, 14, 7, 1]),
  atRiskWarning: z.boolean().default(true),
  /** The missed notice goes out the working day after the due date; after this many days it is stale. */
  missedMaxLateDays: z.number().int().min(1).max(365).default(14),
  escalateMissedToAdmins: z.boolean().default(true),
  recoveryNotice: z.boolean().default(true),
  recoveryMaxLateDays: z.number().int().min(0).max(365).default(14),
  /** ISO weekday of the admins' digest: 1 = Monday. 0 disables it. */
  digestWeekday: z.number().int().min(0).max(7).default(1),
  /** A missed notice not acknowledged within this many working days goes to the admins again, once. 0 disables. */
  ackEscalateAfterWorkingDays: z.number().int().min(0).max(60).default(3),
  /** A warned pair is warned again only after staying recovered this many days; a shorter recovery is a flap. */
  rewarnAfterRecoveredDays: z.number().int().min(1).max(365).default(14),
  /** A Treasury difference still unresolved this many days after its statement was imported is in the digest. */
  treasuryDifferenceDigestAfterDays: z.number().int().min(0).max(365).default(7),
});
export type AlertPolicy = z.infer<typeof alertPolicySchema>;
export const DEFAULT_ALERT_POLICY: AlertPolicy = alertPolicySchema.parse({});
