// Issue 14.3: iCalendar feeds behind revocable tokens, fetched without an API key and read back
// with an independent parser (ical.js).
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { createContainer } from "../src/container.js";
import { createUnit, postAllocation, postDisbursement } from "./factories.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

// 2022-12-15 in Hà Nội: M60 (30/9) is past, M90 (31/12) and the refund (31/01/2023) are ahead.
const clock = fixedClock("2022-12-15T05:00:00Z");
let t: TestApp;
let missing: string; // 50% at 30/9: misses M60 ("above 60%")
let meeting: string; // 70% at 30/9: meets it
let officer: string; // bound to `meeting` only

type Created = { id: string; unit: string | null; label: string; url: string; token: string };
type StatusRow = { id: string; program: string; status: string; shortfall: number };

beforeAll(async () => {
  t = await createTestApp({ clock });
  missing = (await createUnit(t, { name: "UBND huyện Núi Thành, tỉnh Quảng Nam" })).code;
  meeting = (await createUnit(t)).code;
  for (const [unitCode, paid] of [
    [missing, 500_000_000],
    [meeting, 700_000_000],
  ] as const) {
    await postAllocation(t, { unitCode });
    await postDisbursement(t, { unitCode, amount: paid, reference: `KBNN-${unitCode}` });
  }
  officer = await t.keyFor("officer", [meeting]);
});
afterAll(() => t?.close());

async function create(body: unknown, key?: string): Promise<Created> {
  const res = await t.request("POST", "/api/v1/calendar-feeds", { body, ...(key ? { key } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Created;
}
const pathOf = (url: string) => new URL(url).pathname;
const fetchFeed = (path: string) => t.app.inject({ method: "GET", url: path });

function parseEvents(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics));
  return {
    name: cal.getFirstPropertyValue("x-wr-calname"),
    events: cal.getAllSubcomponents("vevent").map((v) => {
      const e = new ICAL.Event(v);
      return { uid: e.uid, start: e.startDate.toString(), summary: e.summary, description: e.description };
    }),
  };
}
/** 100000001 → "100.000.001 đ", written here rather than with the service's own helper. */
const dong = (n: number) => `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".")} đ`;

async function m60Of(unit: string): Promise<StatusRow> {
  const res = await t.request("GET", `/api/v1/units/${unit}/status`);
  const rows = (res.body as { milestones: StatusRow[] }).milestones;
  return rows.find((r) => r.id === "M60" && r.program === "NTM")!;
}

describe("a unit's feed", () => {
  let feed: Created;
  beforeAll(async () => {
    feed = await create({ unit: missing, label: "Lịch của Chủ tịch UBND huyện" });
  });

  it("is created with a token and URL shown once", () => {
    expect(feed).toMatchObject({ unit: missing, label: "Lịch của Chủ tịch UBND huyện" });
    expect(feed.token).toMatch(/^dmc_[A-Za-z0-9_-]{43}$/);
    expect(feed.url).toBe(`http://127.0.0.1:3000/feeds/${feed.token}.ics`);
  });

  it("answers without an API key, as text/calendar, kept privately and briefly", async () => {
    const res = await fetchFeed(pathOf(feed.url));
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/calendar; charset=utf-8");
    expect(res.headers["cache-control"]).toMatch(/^private, max-age=\d{1,3}$/);
    expect(res.headers["content-disposition"]).toBe(
      `attachment; filename="giai-ngan-${missing.toLowerCase()}.ics"`,
    );
    expect(res.body).toMatch(/^BEGIN:VCALENDAR\r\n/);
  });

  it("shows the unit's milestones on their due dates with today's statuses and shortfalls", async () => {
    const { name, events } = parseEvents((await fetchFeed(pathOf(feed.url))).body);
    expect(name).toBe("Hạn giải ngân MTQG — UBND huyện Núi Thành tỉnh Quảng Nam");
    const byUid = new Map(events.map((e) => [e.uid, e]));
    const m60 = byUid.get(`2022-M60-${missing}@disbursement-monitor`);
    expect(m60?.start).toBe("2022-09-30");
    expect(m60?.summary).toBe(
      "Giải ngân trên 60% kế hoạch vốn năm 2022 — UBND huyện Núi Thành, tỉnh Quảng Nam: Không đạt",
    );
    const status = await m60Of(missing);
    expect(status).toMatchObject({ status: "missed", shortfall: 100_000_001 });
    expect(m60?.description).toContain("- Tình trạng: Không đạt");
    expect(m60?.description).toContain("- Tỷ lệ giải ngân: 50,00% (yêu cầu trên 60%)");
    expect(m60?.description).toContain(`- Số còn thiếu để đạt mốc: ${dong(status.shortfall)}`);
    expect(m60?.description).toContain("Số liệu tính đến hết ngày 15/12/2022.");
    const m90 = byUid.get(`2022-M90-${missing}@disbursement-monitor`);
    expect(m90?.start).toBe("2022-12-31");
    expect(m90?.description).toContain("(còn 16 ngày)");
    // The same UIDs on every fetch: clients update the events instead of adding copies.
    const again = parseEvents((await fetchFeed(pathOf(feed.url))).body).events.map((e) => e.uid);
    expect(again).toEqual(events.map((e) => e.uid));
    expect(events.every((e) => e.uid.endsWith(`-${missing}@disbursement-monitor`))).toBe(true);
  });
});

describe("across the new year", () => {
  it("keeps last year's plan until its last deadline (the refund on 31/01) has passed", async () => {
    const feed = await create({ unit: missing, label: "Qua năm mới" });
    try {
      clock.set("2023-01-10T05:00:00Z");
      const jan = parseEvents((await fetchFeed(pathOf(feed.url))).body).events;
      const refund = jan.find((e) => e.uid === `2022-REF-${missing}@disbursement-monitor`);
      expect(refund?.start).toBe("2023-01-31");
      expect(refund?.description).toContain("(còn 21 ngày)");
      clock.set("2023-02-01T05:00:00Z");
      expect(parseEvents((await fetchFeed(pathOf(feed.url))).body).events).toEqual([]);
    } finally {
      clock.set("2022-12-15T05:00:00Z");
    }
  });
});

describe("the province's feed", () => {
  it("counts units by status and lists those at risk with their shortfall", async () => {
    const feed = await create({ label: "Thường trực BCĐ" });
    expect(feed.unit).toBeNull();
    const res = await fetchFeed(pathOf(feed.url));
    expect(res.statusCode).toBe(200);
    const m60 = parseEvents(res.body).events.find((e) => e.uid === "2022-M60-province@disbursement-monitor");
    expect(m60?.start).toBe("2022-09-30");
    expect(m60?.summary).toBe(
      "Giải ngân trên 60% kế hoạch vốn năm 2022 — toàn tỉnh: 1 đơn vị có nguy cơ hoặc không đạt",
    );
    expect(m60?.description).toContain("Đã đạt: 1; Đúng tiến độ: 0; Có nguy cơ không đạt: 0; Không đạt: 1");
    expect(m60?.description).toContain(
      `Tổng số còn thiếu của các đơn vị có nguy cơ hoặc không đạt: ${dong(100_000_001)}`,
    );
    expect(m60?.description).toContain(
      `1. UBND huyện Núi Thành, tỉnh Quảng Nam (${missing}): Không đạt, còn thiếu ${dong(100_000_001)}`,
    );
  });
});

describe("who may manage feeds", () => {
  it("refuses an officer another unit's feed and the province's, writing nothing; viewers never", async () => {
    const before = await t.db.prisma.calendarFeed.count();
    const viewer = await t.keyFor("viewer");
    for (const [body, key] of [
      [{ unit: missing, label: "x" }, officer],
      [{ label: "x" }, officer],
      [{ unit: meeting, label: "x" }, viewer],
    ] as const) {
      const res = await t.request("POST", "/api/v1/calendar-feeds", { body, key });
      expect(res.status, JSON.stringify(body)).toBe(403);
    }
    expect(await t.db.prisma.calendarFeed.count()).toBe(before);
    const own = await create({ unit: meeting, label: "Lịch của tôi" }, officer);
    expect(own.unit).toBe(meeting);
  });

  it("refuses an unknown unit (422) and a bad body (400)", async () => {
    const unknown = await t.request("POST", "/api/v1/calendar-feeds", {
      body: { unit: "NOPE9", label: "x" },
    });
    expect(unknown.status).toBe(422);
    const bad = await t.request("POST", "/api/v1/calendar-feeds", { body: { unit: missing, label: "" } });
    expect(bad.status).toBe(400);
  });

  it("lists every feed to admins, the officer's units' to officers, and never a token", async () => {
    const all = await t.request("GET", "/api/v1/calendar-feeds");
    expect(all.status).toBe(200);
    const items = all.body as Record<string, unknown>[];
    expect(new Set(items.map((f) => f.unit))).toEqual(new Set([missing, meeting, null]));
    const mine = await t.request("GET", "/api/v1/calendar-feeds", { key: officer });
    expect((mine.body as { unit: string }[]).map((f) => f.unit)).toEqual([meeting]);
    const tokens = await t.db.prisma.calendarFeed.findMany({ select: { tokenHash: true } });
    for (const body of [all.body, mine.body]) {
      const text = JSON.stringify(body);
      expect(text).not.toMatch(/dmc_|token/i);
      for (const { tokenHash } of tokens) expect(text).not.toContain(tokenHash);
    }
  });
});

describe("revoking a feed", () => {
  it("makes its URL answer 404 at once, on every instance", async () => {
    const feed = await create({ unit: meeting, label: "Sẽ thu hồi" });
    // A second instance over the same database, as behind a load balancer.
    const other = await buildApp(createContainer(t.db, { maxBatchSize: 1000, clock }));
    try {
      const path = pathOf(feed.url);
      expect((await other.inject({ method: "GET", url: path })).statusCode).toBe(200);
      expect((await t.request("DELETE", `/api/v1/calendar-feeds/${feed.id}`, { key: officer })).status).toBe(
        204,
      );
      for (const res of [await fetchFeed(path), await other.inject({ method: "GET", url: path })]) {
        expect(res.statusCode).toBe(404);
        expect(res.body).not.toContain(feed.label);
        expect(res.body).not.toContain(meeting);
      }
      expect((await t.request("DELETE", `/api/v1/calendar-feeds/${feed.id}`)).status).toBe(404);
      const listed = (await t.request("GET", "/api/v1/calendar-feeds")).body as {
        id: string;
        revokedAt: string;
      }[];
      expect(listed.find((f) => f.id === feed.id)?.revokedAt).toEqual(expect.any(String));
    } finally {
      await other.close();
    }
  });

  it("is refused to an officer of another unit, and to officers for the province's", async () => {
    const theirs = await create({ unit: missing, label: "x" });
    const province = await create({ label: "y" });
    for (const f of [theirs, province])
      expect((await t.request("DELETE", `/api/v1/calendar-feeds/${f.id}`, { key: officer })).status).toBe(
        403,
      );
    expect((await fetchFeed(pathOf(theirs.url))).statusCode).toBe(200);
    expect((await t.request("DELETE", "/api/v1/calendar-feeds/999999")).status).toBe(404);
    expect((await t.request("DELETE", "/api/v1/calendar-feeds/abc")).status).toBe(400);
  });
});

describe("tokens that name no feed", () => {
  it("answer 404 without detail for unknown ones, 400 or 404 for malformed ones, never 500", async () => {
    const unknown = await fetchFeed(`/feeds/dmc_${"A".repeat(43)}.ics`);
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: "not_found", message: "no such calendar feed" });
    for (const token of [
      "abc",
      "dmc_short",
      `dmc_${"A".repeat(42)}!`,
      "%00",
      "..%2F..%2Fetc",
      `dmc_${"é".repeat(43)}`,
      "x".repeat(65),
    ]) {
      const res = await fetchFeed(`/feeds/${encodeURIComponent(token)}.ics`);
      expect([400, 404], `${token}: ${res.statusCode}`).toContain(res.statusCode);
    }
    // Over the router's own bound: refused before any route runs, still not a 5xx.
    const huge = await fetchFeed(`/feeds/${"x".repeat(5000)}.ics`);
    expect(huge.statusCode).toBeGreaterThanOrEqual(400);
    expect(huge.statusCode).toBeLessThan(500);
  });
});

describe("a unit whose name holds line breaks", () => {
  it("gives the feed no property of the name's making", async () => {
    // A careless (or hostile) catalog entry: the name reaches X-WR-CALNAME and X-WR-CALDESC.
    const unit = await createUnit(t, { name: "Huyện X\r\nX-INJECTED:1\r\nBEGIN:VEVENT\r\nUID:evil" });
    const feed = await create({ unit: unit.code, label: "Lịch\r\nX-LABEL:1" });
    const res = await fetchFeed(pathOf(feed.url));
    expect(res.statusCode).toBe(200);
    const lines = res.body.split("\r\n");
    expect(lines.filter((l) => /^(X-INJECTED|X-LABEL|UID:evil)/.test(l))).toEqual([]);
    const cal = new ICAL.Component(ICAL.parse(res.body));
    expect(cal.getFirstPropertyValue("x-wr-caldesc")).toBe(
      "Các mốc giải ngân vốn các Chương trình mục tiêu quốc gia của Huyện X X-INJECTED:1 BEGIN:VEVENT UID:evil",
    );
    for (const e of parseEvents(res.body).events) expect(e.uid).toMatch(new RegExp(`-${unit.code}@`));
  });
});
