import { describe, expect, it } from "vitest";
import { buildMessage, groupByMessage, messageKindOf, narrowGroup } from "./alert-messages.js";
import { headerMessageIdOf } from "./outbox.service.js";
import type { AlertIntent } from "./policy.js";

const intent = (
  kind: AlertIntent["route"]["kind"],
  to: string,
  unitCode: string,
  cc: string[] = [],
): AlertIntent => ({
  key: { planYear: 2022, milestoneId: "M60", unitCode, program: "NTM", stage: "missed", recipient: to },
  outcome: "queued",
  route: { kind, to, toName: to, cc },
  snapshots: [],
});

describe("messageKindOf", () => {
  it("sends a unit route to the unit head, escalations and digests to an admin", () => {
    expect(messageKindOf({ kind: "unit", to: "a@x", toName: "A", cc: [] })).toBe("unit");
    expect(messageKindOf({ kind: "escalation", to: "a@x", toName: "a@x", cc: [] })).toBe("admin");
    expect(messageKindOf({ kind: "digest", to: "a@x", toName: "a@x", cc: [] })).toBe("admin");
  });
});

describe("groupByMessage", () => {
  it("makes one message per kind and recipient, whatever the address's case", () => {
    const groups = groupByMessage([
      intent("unit", "Head@x.vn", "U1"),
      intent("escalation", "admin@x.vn", "U1"),
      intent("unit", "head@x.vn", "U2"),
      intent("digest", "admin@x.vn", "*"),
      intent("unit", "admin@x.vn", "U3"),
    ]);
    expect(groups.map((g) => [g.kind, g.to, g.intents.map((i) => i.key.unitCode)])).toEqual([
      ["unit", "Head@x.vn", ["U1", "U2"]],
      ["admin", "admin@x.vn", ["U1", "*"]],
      ["unit", "admin@x.vn", ["U3"]],
    ]);
  });

  it("keeps the kind when a message carries only some of its alerts", () => {
    const [g] = groupByMessage([intent("escalation", "a@x", "U1"), intent("digest", "a@x", "*")]);
    const narrowed = narrowGroup(g!, (i) => i.route.kind === "digest");
    expect(narrowed.kind).toBe("admin");
    expect(narrowed.intents).toHaveLength(1);
  });
});

describe("headerMessageIdOf", () => {
  it("names a message by its alerts' keys, in any order", () => {
    const keys = [intent("unit", "h@x", "U1").key, intent("unit", "h@x", "U2").key];
    const id = headerMessageIdOf(keys);
    expect(id).toMatch(/^<alert\.[0-9a-f]{32}@disbursement-monitor\.invalid>$/);
    expect(headerMessageIdOf([...keys].reverse())).toBe(id);
    expect(headerMessageIdOf(keys.slice(0, 1))).not.toBe(id);
  });
});

describe("buildMessage", () => {
  it("adds up the tallies of an admin's digests, one a plan in play", () => {
    const digest = (planYear: number, tally: AlertIntent["tally"]): AlertIntent => ({
      ...intent("digest", "a@x", "*"),
      key: {
        ...intent("digest", "a@x", "*").key,
        planYear,
        milestoneId: "DIGEST",
        stage: "digest:2022-10-03",
      },
      route: { kind: "digest", to: "a@x", toName: "a@x", cc: [], weekOf: "2022-10-03" },
      ...(tally ? { tally } : {}),
    });
    const [g] = groupByMessage([
      digest(2022, {
        programs: [{ program: "NTM", programName: "Nông thôn mới", missed: 3, atRisk: 4 }],
        duties: { missed: 1, atRisk: 0 },
      }),
      digest(2021, {
        programs: [
          { program: "NTM", programName: "Nông thôn mới", missed: 10, atRisk: 0 },
          { program: "GNBV", programName: "Giảm nghèo", missed: 0, atRisk: 2 },
        ],
        duties: { missed: 0, atRisk: 5 },
      }),
    ]);
    const m = buildMessage("2022-10-03", g!);
    expect(m.kind === "admin" && m.digest?.tally).toEqual({
      programs: [
        { program: "NTM", programName: "Nông thôn mới", missed: 13, atRisk: 4 },
        { program: "GNBV", programName: "Giảm nghèo", missed: 0, atRisk: 2 },
      ],
      duties: { missed: 1, atRisk: 5 },
    });
    // A digest decided before tallies existed (or none at all): no tally, the items are all.
    const [old] = groupByMessage([digest(2022, undefined)]);
    const o = buildMessage("2022-10-03", old!);
    expect(o.kind === "admin" && o.digest !== null && "tally" in o.digest).toBe(false);
  });
});
