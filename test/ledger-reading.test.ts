// Reading the ledger back: entry lists with filters and cursor pages, and a unit's ledger per
// scope and in total as of a date.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnit, postAllocation, postDisbursement } from "./factories.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

type Entry = { id: number; unitCode: string; program: string; planYear: number; amount: number };
type Page = { items: Entry[]; nextCursor: string | null };

const clock = fixedClock("2022-12-31T05:00:00Z");
let t: TestApp;
const ids: Record<string, number> = {};

// Unit A is Tam Kỳ, unit B Hội An. Keys name the entries in the expectations below.
const ALLOCATIONS = {
  a1: { amount: 1_000, decidedOn: "2022-01-15" },
  a2: { amount: 500, decidedOn: "2022-02-10", source: "provincial", capitalType: "recurrent" },
  a3: { amount: 800, decidedOn: "2022-03-05", program: "GNBV" },
  a4: { amount: 300, decidedOn: "2021-02-01", planYear: 2021 },
  a5: { amount: 200, decidedOn: "2022-01-20", carriedOverFrom: 2021 },
  a6: { amount: 700, decidedOn: "2022-01-15", unitCode: "HOIAN" },
  a7: { amount: -100, decidedOn: "2022-11-01", decisionRef: "điều chỉnh giảm" },
};
const DISBURSEMENTS = {
  d1: { amount: 100, disbursedOn: "2022-03-31" },
  d2: { amount: 250, disbursedOn: "2022-09-30" },
  d3: { amount: 50, disbursedOn: "2022-10-01" },
  d4: { amount: 200, disbursedOn: "2022-06-15", carriedOverFrom: 2021 },
  d5: { amount: 400, disbursedOn: "2022-12-20", program: "GNBV" },
  d6: { amount: 300, disbursedOn: "2021-12-31", planYear: 2021 },
  d7: { amount: 70, disbursedOn: "2022-05-05", unitCode: "HOIAN" },
};

beforeAll(async () => {
  t = await createTestApp({ clock });
  await createUnit(t, { code: "TAMKY" });
  await createUnit(t, { code: "HOIAN" });
  for (const [name, o] of Object.entries(ALLOCATIONS)) ids[name] = (await postAllocation(t, o)).id as number;
  for (const [name, o] of Object.entries(DISBURSEMENTS))
    ids[name] = (await postDisbursement(t, o)).id as number;
});
afterAll(() => t.close());

async function get<T>(url: string): Promise<T> {
  const res = await t.request("GET", url);
  expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body as T;
}

/** The entry names a listing returned, in order (allocation and disbursement ids overlap). */
async function names(url: string): Promise<string[]> {
  const prefix = url.includes("/allocations") ? "a" : "d";
  const page = await get<Page>(url);
  expect(page.nextCursor).toBeNull();
  return page.items.map(
    (e) => Object.entries(ids).find(([n, id]) => id === e.id && n.startsWith(prefix))?.[0] ?? `?${e.id}`,
  );
}

describe("GET /api/v1/allocations and /disbursements filters", () => {
  it("lists everything in posting order without filters", async () => {
    expect(await names("/api/v1/allocations")).toEqual(["a1", "a2", "a3", "a4", "a5", "a6", "a7"]);
    expect(await names("/api/v1/disbursements")).toEqual(["d1", "d2", "d3", "d4", "d5", "d6", "d7"]);
  });

  it("filters by unit", async () => {
    expect(await names("/api/v1/allocations?unit=HOIAN")).toEqual(["a6"]);
    expect(await names("/api/v1/disbursements?unit=TAMKY")).toEqual(["d1", "d2", "d3", "d4", "d5", "d6"]);
    expect(await names("/api/v1/disbursements?unit=NOWHERE")).toEqual([]);
  });

  it("filters by program", async () => {
    expect(await names("/api/v1/allocations?program=GNBV")).toEqual(["a3"]);
    expect(await names("/api/v1/disbursements?program=GNBV")).toEqual(["d5"]);
  });

  it("filters by plan year (carried-over capital belongs to the year it is spent in)", async () => {
    expect(await names("/api/v1/allocations?planYear=2021")).toEqual(["a4"]);
    expect(await names("/api/v1/disbursements?planYear=2021")).toEqual(["d6"]);
    expect(await names("/api/v1/allocations?planYear=2022&unit=TAMKY&program=NTM")).toEqual([
      "a1",
      "a2",
      "a5",
      "a7",
    ]);
  });

  it("filters by date range, both ends inclusive, on the decision or payment date", async () => {
    expect(await names("/api/v1/allocations?unit=TAMKY&from=2022-01-20&to=2022-03-05")).toEqual([
      "a2",
      "a3",
      "a5",
    ]);
    expect(await names("/api/v1/disbursements?from=2022-09-30&to=2022-10-01")).toEqual(["d2", "d3"]);
    expect(await names("/api/v1/disbursements?to=2021-12-31")).toEqual(["d6"]);
    expect(await names("/api/v1/disbursements?from=2022-12-01")).toEqual(["d5"]);
  });
});

describe("cursor pagination", () => {
  async function walk(url: string, limit: number) {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep: string = url.includes("?") ? "&" : "?";
      const page: Page = await get<Page>(`${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(20);
    } while (cursor !== null);
    return { seen, pages };
  }

  it("walks every allocation in pages of 2 with no duplicates, ending with a null cursor", async () => {
    const all = (await get<Page>("/api/v1/allocations")).items.map((e) => e.id);
    const { seen, pages } = await walk("/api/v1/allocations", 2);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(7);
    expect(pages).toBe(4);
  });

  it("walks a filtered listing whose size is a multiple of the page, with no empty last page", async () => {
    const all = (await get<Page>("/api/v1/disbursements?unit=TAMKY")).items.map((e) => e.id);
    const { seen, pages } = await walk("/api/v1/disbursements?unit=TAMKY", 2);
    expect(seen).toEqual(all);
    expect(seen).toHaveLength(6);
    expect(pages).toBe(3);
  });

  it("hands out an opaque cursor, not the id, and refuses a forged one", async () => {
    const first = await get<Page>("/api/v1/allocations?limit=2");
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(first.nextCursor).not.toBe(String(first.items[1]?.id));
    const res = await t.request("GET", "/api/v1/allocations?cursor=AAAA");
    expect(res.status).toBe(400);
    expect((res.body as { issues: { path: string }[] }).issues[0]?.path).toBe("querystring.cursor");
  });

  it("walks with a limit larger than the listing in one page", async () => {
    const { seen, pages } = await walk("/api/v1/disbursements", 1000);
    expect(seen).toHaveLength(7);
    expect(pages).toBe(1);
  });

  it("still reads a plain id as a cursor (what pages handed out before), answering an empty page after the last entry", async () => {
    const page = await get<Page>(`/api/v1/allocations?cursor=${ids.a7}`);
    expect(page).toEqual({ items: [], nextCursor: null });
  });
});

describe("GET /api/v1/units/{code}/ledger", () => {
  const line = (
    program: string,
    planYear: number,
    carriedOverFrom: number | null,
    source: string,
    capitalType: string,
    allocated: number,
    disbursed: number,
  ) => ({
    program,
    planYear,
    carriedOverFrom,
    source,
    capitalType,
    allocated,
    disbursed,
    refunded: 0,
    carriedForward: 0,
    remaining: allocated - disbursed,
  });

  it("sums per scope and in total, counting only entries dated on or before asOf", async () => {
    const l = await get<unknown>("/api/v1/units/TAMKY/ledger?asOf=2022-09-30");
    expect(l).toEqual({
      unitCode: "TAMKY",
      asOf: "2022-09-30",
      lines: [
        // d5 (20/12) is after asOf.
        line("GNBV", 2022, null, "central", "investment", 800, 0),
        line("NTM", 2021, null, "central", "investment", 300, 300),
        // a7 (1/11) and d3 (1/10) are after asOf.
        line("NTM", 2022, null, "central", "investment", 1_000, 350),
        line("NTM", 2022, null, "provincial", "recurrent", 500, 0),
        // 2021 capital carried into 2022: its own line, apart from the 2022 plan.
        line("NTM", 2022, 2021, "central", "investment", 200, 200),
      ],
      total: { allocated: 2_800, disbursed: 850, refunded: 0, carriedForward: 0, remaining: 1_950 },
    });
  });

  it("counts the adjustment and later payments at the end of the year", async () => {
    const l = await get<{ lines: unknown[]; total: unknown }>("/api/v1/units/TAMKY/ledger?asOf=2022-12-31");
    expect(l.lines).toContainEqual(line("GNBV", 2022, null, "central", "investment", 800, 400));
    expect(l.lines).toContainEqual(line("NTM", 2022, null, "central", "investment", 900, 400));
    expect(l.total).toEqual({
      allocated: 2_700,
      disbursed: 1_300,
      refunded: 0,
      carriedForward: 0,
      remaining: 1_400,
    });
  });

  it("shows only the unit asked for", async () => {
    const l = await get<unknown>("/api/v1/units/HOIAN/ledger?asOf=2022-12-31");
    expect(l).toEqual({
      unitCode: "HOIAN",
      asOf: "2022-12-31",
      lines: [line("NTM", 2022, null, "central", "investment", 700, 70)],
      total: { allocated: 700, disbursed: 70, refunded: 0, carriedForward: 0, remaining: 630 },
    });
  });

  it("is empty before the first entry", async () => {
    const l = await get<unknown>("/api/v1/units/TAMKY/ledger?asOf=2020-12-31");
    expect(l).toEqual({
      unitCode: "TAMKY",
      asOf: "2020-12-31",
      lines: [],
      total: { allocated: 0, disbursed: 0, refunded: 0, carriedForward: 0, remaining: 0 },
    });
  });

  it("defaults asOf to today in Asia/Ho_Chi_Minh, from the clock", async () => {
    const ntm2022 = (l: { lines: ReturnType<typeof line>[] }) =>
      l.lines.find(
        (x) => x.program === "NTM" && x.planYear === 2022 && x.source === "central" && !x.carriedOverFrom,
      );
    try {
      // 17:00 UTC on 30/9 is midnight starting 1/10 in Vietnam: d3 (1/10) counts.
      clock.set("2022-09-30T17:00:00Z");
      const oct1 = await get<{ asOf: string; lines: ReturnType<typeof line>[] }>(
        "/api/v1/units/TAMKY/ledger",
      );
      expect(oct1.asOf).toBe("2022-10-01");
      expect(ntm2022(oct1)?.disbursed).toBe(400);
      // One second earlier it is still 30/9 in Vietnam: d3 does not count yet.
      clock.set("2022-09-30T16:59:59Z");
      const sep30 = await get<{ asOf: string; lines: ReturnType<typeof line>[] }>(
        "/api/v1/units/TAMKY/ledger",
      );
      expect(sep30.asOf).toBe("2022-09-30");
      expect(ntm2022(sep30)?.disbursed).toBe(350);
    } finally {
      clock.set("2022-12-31T05:00:00Z");
    }
  });
});
