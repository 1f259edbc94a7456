// Issue 13.2: the at-risk list a page at a time. Walking /at-risk by its cursors gives the whole
// list (what the export holds) once, in order, each page carrying the totals of all of it; the
// dashboard's twin and the overview hand out the same pages; a cursor that is not one of ours, or
// is one of another list, is refused naming querystring.cursor.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedPressureDataset } from "../bench/pressure-dataset.js";
import { expectPagesAsWholeList } from "./helpers/lean-pages.js";
import { ADMIN_KEY, createTestApp, type TestApp } from "./helpers/test-app.js";

type Item = {
  unitCode: string;
  program: string;
  id: string;
  status: string;
  shortfall: number;
  unitKind: string;
};
type Totals = { count: number; shortfall: number; byStatus: Record<string, number> };
type Page = { asOf: string; planYear: number; items: Item[]; totals: Totals; nextCursor: string | null };
type ErrorBody = { error: string; issues: { path: string; rule: string; message: string }[] };

const ASOF = "2022-09-20";
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await seedPressureDataset(t.db.raw, { units: 80, entries: 3_000 });
});
afterAll(() => t?.close());

async function get<T>(url: string): Promise<T> {
  const res = await t.request("GET", url);
  expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body as T;
}

/** Every page of a query from the first, following nextCursor. */
async function walk(query: string, limit: number) {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await get(
      `/api/v1/at-risk?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 1_000);
  return pages;
}

const keyOf = (i: Pick<Item, "unitCode" | "program" | "id">) => `${i.unitCode}|${i.program}|${i.id}`;

describe("GET /api/v1/at-risk, a page at a time", () => {
  it("walks the whole list once, largest shortfall first, every page with the whole list's totals", async () => {
    // The full list, as the export reads it.
    const full = await t.container.rules.atRisk(ASOF, undefined, {});
    expect(full.items.length).toBeGreaterThan(150);
    const pages = await walk(`asOf=${ASOF}`, 37);
    expect(pages).toHaveLength(Math.ceil(full.items.length / 37));
    const items = pages.flatMap((p) => p.items);
    expect(items.map(keyOf)).toEqual(full.items.map(keyOf));
    expect(new Set(items.map(keyOf)).size).toBe(items.length);
    for (let i = 1; i < items.length; i += 1)
      expect(items[i]!.shortfall).toBeLessThanOrEqual(items[i - 1]!.shortfall);

    const totals: Totals = {
      count: items.length,
      shortfall: items.reduce((s, i) => s + i.shortfall, 0),
      byStatus: {
        not_applicable: 0,
        met: 0,
        on_track: 0,
        at_risk: items.filter((i) => i.status === "at_risk").length,
        missed: items.filter((i) => i.status === "missed").length,
      },
    };
    for (const p of pages) expect(p.totals).toEqual(totals);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    expect(pages.slice(0, -1).every((p) => p.nextCursor !== null && p.items.length === 37)).toBe(true);
  });

  it("leaves the export whole: every item of the list, past the first page", async () => {
    const first = await get<Page>(`/api/v1/at-risk?asOf=${ASOF}`);
    expect(first.totals.count).toBeGreaterThan(first.items.length);
    const csv = await t.app.inject({
      method: "GET",
      url: `/api/v1/exports/at-risk.csv?asOf=${ASOF}`,
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(csv.statusCode).toBe(200);
    // A header line, then one line per item (the seeded names hold no line breaks).
    expect(csv.body.trimEnd().split("\r\n").length - 1).toBe(first.totals.count);
  });

  it("shows the whole list's rows, judged in full, though it judges the list lean", async () => {
    await expectPagesAsWholeList(
      t,
      ["2022-06-15", ASOF, "2022-10-15", "2022-11-10", "2022-12-31", "2023-02-15"],
      [
        {},
        { milestone: "M60" },
        { milestone: "REQ" },
        { milestone: "REF" },
        { program: "NTM", kind: "district" },
      ],
    );
  });

  it("pages 100 items by default and at most 1,000", async () => {
    const first = await get<Page>(`/api/v1/at-risk?asOf=${ASOF}`);
    expect(first.items).toHaveLength(100);
    const all = await get<Page>(`/api/v1/at-risk?asOf=${ASOF}&limit=1000`);
    expect(all.items).toHaveLength(all.totals.count);
    expect(all.nextCursor).toBeNull();
    expect(all.items.slice(0, 100)).toEqual(first.items);
    for (const bad of ["0", "1001", "-1", "1e2", "0x10", "10.0", "+5", "010", ""]) {
      const res = await t.request("GET", `/api/v1/at-risk?asOf=${ASOF}&limit=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect((res.body as ErrorBody).issues.map((i) => i.path)).toContain("querystring.limit");
    }
  });

  it("filters on the server, the totals being the filtered list's", async () => {
    const all = await get<Page>(`/api/v1/at-risk?asOf=${ASOF}&limit=1000`);
    const expected = all.items.filter(
      (i) => i.program === "NTM" && i.unitKind === "district" && i.id === "M60",
    );
    expect(expected.length).toBeGreaterThan(5);
    const pages = await walk(`asOf=${ASOF}&program=NTM&kind=district&milestone=M60`, 5);
    expect(pages.flatMap((p) => p.items).map(keyOf)).toEqual(expected.map(keyOf));
    expect(pages[0]!.totals.count).toBe(expected.length);
  });

  it("refuses a cursor it did not make, or one of another list, naming querystring.cursor", async () => {
    const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");
    const first = await get<Page>(`/api/v1/at-risk?asOf=${ASOF}&limit=10`);
    const cursor = first.nextCursor!;
    const token = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<string, unknown>;
    const forged = [
      "x",
      "AAAA",
      "%%%",
      "A".repeat(600),
      b64("not json"),
      b64(JSON.stringify({ ...token, v: 2 })),
      b64(JSON.stringify({ ...token, s: "-5" })),
      b64(JSON.stringify({ ...token, s: "1.5" })),
      b64(JSON.stringify({ ...token, d: "2022-02-31" })),
      b64(JSON.stringify({ ...token, extra: 1 })),
      b64(JSON.stringify({ ...token, u: undefined })),
      // An entries cursor of the unit view is not one of these.
      b64("2022-09-30.d.1"),
    ];
    for (const c of forged) {
      const res = await t.request("GET", `/api/v1/at-risk?asOf=${ASOF}&cursor=${encodeURIComponent(c)}`);
      expect(res.status, c).toBe(400);
      expect((res.body as ErrorBody).issues).toEqual([
        expect.objectContaining({ path: "querystring.cursor", rule: "cursor" }),
      ]);
    }
    // Well formed, but handed out for another list: another date, plan year or filter.
    for (const other of [
      "asOf=2022-09-21",
      `asOf=${ASOF}&program=NTM`,
      `asOf=${ASOF}&kind=district`,
      `asOf=${ASOF}&milestone=M60`,
      `asOf=${ASOF}&knownAt=2022-12-31T00:00:00Z`,
    ]) {
      const res = await t.request("GET", `/api/v1/at-risk?${other}&cursor=${cursor}`);
      expect(res.status, other).toBe(400);
      expect((res.body as ErrorBody).issues).toEqual([
        expect.objectContaining({ path: "querystring.cursor", rule: "foreign_cursor" }),
      ]);
    }
    // The same list named with its plan year spelled out is the same list.
    const second = await get<Page>(`/api/v1/at-risk?asOf=${ASOF}&planYear=2022&limit=10&cursor=${cursor}`);
    expect(second.items.map(keyOf)).not.toContain(keyOf(first.items.at(-1)!));
  });
});

describe("the dashboard asks for what it shows", () => {
  it("/dashboard/at-risk answers the view's header and the same pages as /at-risk", async () => {
    type View = Page & {
      today: string;
      planYears: number[];
      plan: { milestones: unknown[] };
      programs: unknown[];
    };
    const view = await get<View>(`/api/v1/dashboard/at-risk?asOf=${ASOF}&program=GNBV&limit=20`);
    expect(view).toMatchObject({ asOf: ASOF, today: "2022-12-31", planYear: 2022 });
    expect(view.plan.milestones.length).toBeGreaterThan(0);
    const page = await get<Page>(`/api/v1/at-risk?asOf=${ASOF}&program=GNBV&limit=20`);
    expect({ items: view.items, totals: view.totals, nextCursor: view.nextCursor }).toEqual({
      items: page.items,
      totals: page.totals,
      nextCursor: page.nextCursor,
    });
    // Its cursor continues on /at-risk, and the other way round.
    const next = await get<Page>(
      `/api/v1/at-risk?asOf=${ASOF}&program=GNBV&limit=20&cursor=${view.nextCursor}`,
    );
    const twin = await get<View>(
      `/api/v1/dashboard/at-risk?asOf=${ASOF}&program=GNBV&limit=20&cursor=${page.nextCursor}`,
    );
    expect(twin.items).toEqual(next.items);
    const bad = await t.request("GET", `/api/v1/dashboard/at-risk?asOf=${ASOF}&cursor=AAAA`);
    expect((bad.body as ErrorBody).issues[0]).toMatchObject({ path: "querystring.cursor", rule: "cursor" });
  });

  it("the overview carries the totals and the largest shortfalls, not the whole list", async () => {
    type Overview = { summary: object; atRisk: Page };
    const all = await get<Page>(`/api/v1/at-risk?asOf=${ASOF}&limit=1000`);
    const overview = await get<Overview>(`/api/v1/dashboard/overview?asOf=${ASOF}`);
    expect(overview.atRisk.items).toEqual(all.items.slice(0, 10));
    expect(overview.atRisk.totals).toEqual(all.totals);
    const five = await get<Overview>(`/api/v1/dashboard/overview?asOf=${ASOF}&atRiskLimit=5`);
    expect(five.atRisk.items).toEqual(all.items.slice(0, 5));
    const rest = await get<Page>(`/api/v1/at-risk?asOf=${ASOF}&limit=5&cursor=${five.atRisk.nextCursor}`);
    expect(rest.items).toEqual(all.items.slice(5, 10));
    for (const bad of ["0", "101", "1e1"]) {
      const res = await t.request("GET", `/api/v1/dashboard/overview?asOf=${ASOF}&atRiskLimit=${bad}`);
      expect(res.status, bad).toBe(400);
      expect((res.body as ErrorBody).issues[0]!.path).toBe("querystring.atRiskLimit");
    }
  });
});
