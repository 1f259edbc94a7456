// Calendar feeds: a revocable token per feed, shown once, that a unit's head pastes into Outlook
// or Thunderbird; the feed lists the milestones' due dates with today's statuses.
import { createHash, randomBytes } from "node:crypto";
import { actorOf, assertCanReadUnit, type Principal } from "../access/principal.js";
import { ForbiddenError, NotFoundError, RuleViolationError } from "../domain/errors.js";
import type { LocalDate } from "../domain/local-date.js";
import type { Plan } from "../domain/plan.js";
import type { RulesService } from "../rules/rules.service.js";
import type { CalendarFeedRecord, CalendarFeedsRepository } from "./calendar-feeds.repository.js";
import { type FeedPlan, plansInFeed, provinceFeedEvents, unitFeedEvents } from "./feed-events.js";
import { renderCalendar } from "./ical.js";

// 256 random bits: a fast hash is enough, there is nothing to brute-force (as for API keys).
const TOKEN_PREFIX = "dmc_";
export const FEED_TOKEN = /^dmc_[A-Za-z0-9_-]{43}$/;
export const hashFeedToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Clients are asked to fetch again after this long; the answer may be kept as long. */
export const FEED_REFRESH_MINUTES = 60;

type Deps = {
  repo: CalendarFeedsRepository;
  rules: Pick<RulesService, "unitStatus" | "summary" | "atRisk">;
  plans: { years(): Promise<number[]>; getPlan(year: number): Promise<{ plan: Plan; version: number }> };
  catalog: {
    getUnit(code: string): Promise<{ code: string; name: string }>;
    listPrograms(): Promise<{ code: string; name: string }[]>;
  };
  unitsExist: (codes: string[]) => Promise<string[]>;
  today: () => LocalDate;
  now: () => Date;
  /** Where the feeds are fetched from outside, without a trailing slash. */
  publicBaseUrl: string;
};

export type CalendarFeedView = Omit<CalendarFeedRecord, "unitCode"> & { unit: string | null };

const view = (f: CalendarFeedRecord): CalendarFeedView => ({
  id: f.id,
  unit: f.unitCode,
  label: f.label,
  createdBy: f.createdBy,
  createdAt: f.createdAt,
  revokedAt: f.revokedAt,
});

/** The province's feed is an admin's; a unit's, an admin's or one of its officers'. */
function assertMayManage(by: Principal, unitCode: string | null): void {
  if (unitCode === null) {
    if (by.role !== "admin") throw new ForbiddenError("only admins manage the province's calendar feed");
    return;
  }
  assertCanReadUnit(by, unitCode);
}

export function createCalendarFeedsService(d: Deps) {
  /** This year's plan, and last year's while a deadline of it is still ahead. */
  async function feedPlans(today: LocalDate): Promise<FeedPlan[]> {
    const year = Number(today.slice(0, 4));
    const years = (await d.plans.years()).filter((y) => y === year || y === year - 1);
    const plans = await Promise.all(
      years.map(async (y) => {
        const { plan, version } = await d.plans.getPlan(y);
        return { year: y, version, milestones: plan.milestones };
      }),
    );
    return plansInFeed(plans, today);
  }

  async function unitCalendar(unitCode: string, today: LocalDate) {
    const [unit, programs, plans] = await Promise.all([
      d.catalog.getUnit(unitCode),
      d.catalog.listPrograms(),
      feedPlans(today),
    ]);
    const programNames = new Map(programs.map((p) => [p.code, p.name]));
    // The feed reads as a reader of this one unit would: one unit's figures, never the province's.
    const reader: Principal = {
      keyId: "calendar-feed",
      name: "calendar feed",
      role: "viewer",
      unitCodes: [unitCode],
    };
    const events = [];
    for (const plan of plans) {
      const status = await d.rules.unitStatus(unitCode, today, plan.year, reader);
      events.push(...unitFeedEvents({ unit, plan, rows: status.milestones, programNames, asOf: today }));
    }
    return {
      name: `Hạn giải ngân MTQG — ${unit.name}`,
      description: `Các mốc giải ngân vốn các Chương trình mục tiêu quốc gia của ${unit.name}`,
      events,
    };
  }

  async function provinceCalendar(today: LocalDate) {
    const events = [];
    for (const plan of await feedPlans(today)) {
      // The national answers, cached per ledger version: a feed fetch does not re-sum the ledger.
      const [summary, atRisk] = await Promise.all([
        d.rules.summary(today, plan.year),
        d.rules.atRisk(today, plan.year, {}),
      ]);
      events.push(
        ...provinceFeedEvents({ plan, counts: summary.byMilestone, atRisk: atRisk.items, asOf: today }),
      );
    }
    return {
      name: "Hạn giải ngân MTQG — toàn tỉnh",
      description: "Các mốc giải ngân vốn các Chương trình mục tiêu quốc gia của toàn tỉnh",
      events,
    };
  }

  return {
    async create(input: { unit?: string | undefined; label: string }, by: Principal) {
      const unitCode = input.unit ?? null;
      assertMayManage(by, unitCode);
      if (unitCode !== null && (await d.unitsExist([unitCode])).length === 0)
        // A reference inside a body is a broken rule (422), as for API keys; 404 is for paths.
        throw new RuleViolationError(`unknown unit ${unitCode}`, [
          { field: "unit", rule: "unknown_unit", message: `no unit with code ${unitCode}` },
        ]);
      const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
      const feed = await d.repo.create({
        unitCode,
        tokenHash: hashFeedToken(token),
        label: input.label,
        createdBy: actorOf(by),
      });
      return { ...view(feed), token, url: `${d.publicBaseUrl}/feeds/${token}.ics` };
    },

    /** Admins see every feed; officers those of their units. Tokens are never shown again. */
    async list(by: Principal): Promise<CalendarFeedView[]> {
      if (by.role !== "admin" && by.role !== "officer") return [];
      return (await d.repo.list(by.role === "admin" ? undefined : by.unitCodes)).map(view);
    },

    async revoke(id: bigint, by: Principal): Promise<void> {
      const feed = await d.repo.findById(id);
      if (!feed) throw new NotFoundError(`no calendar feed ${id}`);
      assertMayManage(by, feed.unitCode);
      if (!(await d.repo.revoke(id, d.now())))
        throw new NotFoundError(`calendar feed ${id} is already revoked`);
    },

    /**
     * The feed behind a token as iCalendar text. Unknown, malformed and revoked tokens read alike,
     * and a malformed one costs no lookup. The feed is looked up on every fetch: a revocation
     * holds at once on every instance.
     */
    async render(token: string) {
      const feed = FEED_TOKEN.test(token) ? await d.repo.findActiveByHash(hashFeedToken(token)) : null;
      if (!feed) throw new NotFoundError("no such calendar feed");
      const today = d.today();
      const cal =
        feed.unitCode === null ? await provinceCalendar(today) : await unitCalendar(feed.unitCode, today);
      const ics = renderCalendar({ ...cal, generatedAt: d.now(), refreshMinutes: FEED_REFRESH_MINUTES });
      return { ics, filename: `giai-ngan-${(feed.unitCode ?? "toan-tinh").toLowerCase()}.ics` };
    },
  };
}

export type CalendarFeedsService = ReturnType<typeof createCalendarFeedsService>;
