// How a run's alerts become messages: grouped by recipient, the kind of each message decided
// once (here), then built into what a template renders. Pure: no database, no clock.
import type { LocalDate } from "../domain/local-date.js";
import type { AlertMessage, AlertStage, DigestTally } from "./alert.types.js";
import { type AlertIntent, warningNumber } from "./policy.js";

/** "unit" to a unit head; "admin" to an admin, escalations and digest together. */
export type MessageKind = "unit" | "admin";

/** The alerts one message carries, to one recipient. */
export type MessageGroup = { kind: MessageKind; to: string; intents: AlertIntent[] };

/** The one place a message's kind is decided: from how the policy routed its alerts. */
export const messageKindOf = (route: AlertIntent["route"]): MessageKind =>
  route.kind === "unit" ? "unit" : "admin";

/** Groups the intents of a run into messages: one per recipient and kind. */
export function groupByMessage(intents: readonly AlertIntent[]): MessageGroup[] {
  const groups = new Map<string, MessageGroup>();
  for (const i of intents) {
    const kind = messageKindOf(i.route);
    const k = `${kind}|${i.route.to.toLowerCase()}`;
    const g = groups.get(k);
    if (g) g.intents.push(i);
    else groups.set(k, { kind, to: i.route.to, intents: [i] });
  }
  return [...groups.values()];
}

/** The same message carrying only some of its alerts (those not yet in the ledger, say). */
export function narrowGroup(g: MessageGroup, keep: (i: AlertIntent) => boolean): MessageGroup {
  const intents = g.intents.filter(keep);
  return { kind: g.kind, to: intents[0]?.route.to ?? g.to, intents };
}

/** Everyone copied: each unit's cc addresses once. */
export const ccOf = (g: MessageGroup): string[] => [...new Set(g.intents.flatMap((i) => i.route.cc))];

/** The stage a message shows: a repeated warning (at_risk_2, …) reads as the warning it is. */
function itemStage(i: AlertIntent): AlertStage {
  if (i.route.kind === "digest") return "digest";
  if (warningNumber(i.key.stage) !== null) return "at_risk";
  return i.key.stage as AlertStage;
}

export function buildMessage(asOf: LocalDate, group: MessageGroup): AlertMessage {
  const first = group.intents[0]!;
  const items = (of: AlertIntent[]) =>
    of.flatMap((i) => i.snapshots.map((snapshot) => ({ stage: itemStage(i), snapshot })));
  if (group.kind === "unit")
    return {
      kind: "unit",
      asOf,
      recipient: { name: first.route.toName, email: group.to },
      items: items(group.intents),
    };
  const digest = group.intents.filter((i) => i.route.kind === "digest");
  // One plan's digest carries the Treasury section (the newest plan's: see prepare in alerts.service.ts).
  const treasury = digest.find((i) => i.treasury)?.treasury;
  const tally = mergeTallies(digest.flatMap((i) => (i.tally ? [i.tally] : [])));
  return {
    kind: "admin",
    asOf,
    recipient: { email: group.to },
    escalation: items(group.intents.filter((i) => i.route.kind === "escalation")),
    digest:
      digest.length > 0
        ? {
            weekOf: digest[0]!.route.weekOf ?? asOf,
            items: items(digest),
            ...(treasury ? { treasury } : {}),
            ...(tally ? { tally } : {}),
          }
        : null,
  };
}

/** The tallies of one admin's digests (one a plan in play) as one: a programme's counts added up. */
function mergeTallies(tallies: readonly DigestTally[]): DigestTally | undefined {
  if (tallies.length === 0) return undefined;
  const programs = new Map<string, DigestTally["programs"][number]>();
  const duties = { missed: 0, atRisk: 0 };
  for (const t of tallies) {
    for (const p of t.programs) {
      const q = programs.get(p.program);
      if (q) {
        q.missed += p.missed;
        q.atRisk += p.atRisk;
      } else programs.set(p.program, { ...p });
    }
    duties.missed += t.duties.missed;
    duties.atRisk += t.duties.atRisk;
  }
  return { programs: [...programs.values()], duties };
}
