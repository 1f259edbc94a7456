// The feed's text read back by an independent parser (ical.js): events, UIDs, dates, escaping and
// the Vietnamese descriptions built from judged rows.
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { DEFAULT_PLAN_2022 } from "../domain/plan.js";
import {
  eventUid,
  type FeedPlan,
  plansInFeed,
  provinceFeedEvents,
  type UnitRow,
  unitFeedEvents,
} from "./feed-events.js";
import { type FeedEvent, renderCalendar } from "./ical.js";

const GENERATED = new Date("2022-09-15T05:00:00Z");
const ASOF = "2022-09-15";

function parse(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics));
  const events = cal.getAllSubcomponents("vevent").map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      start: e.startDate.toString(),
      allDay: e.startDate.isDate,
      end: e.endDate.toString(),
      summary: e.summary,
      description: e.description,
      sequence: e.sequence,
      stamp: v.getFirstPropertyValue("dtstamp")?.toString(),
      lastModified: v.getFirstPropertyValue("last-modified")?.toString(),
    };
  });
  return { cal, events };
}

const render = (events: FeedEvent[], name = "Hạn giải ngân — UBND huyện Núi Thành") =>
  renderCalendar({ name, description: "Các mốc", events, generatedAt: GENERATED, refreshMinutes: 60 });

describe("renderCalendar", () => {
  it("writes all-day events on their due dates, with stable UIDs and UTC stamps", () => {
    const ics = render([
      {
        uid: "2022-M60-NT@disbursement-monitor",
        dueOn: "2022-09-30",
        summary: "Mốc 60%",
        description: "a",
        sequence: 2,
      },
      {
        uid: "2022-REF-NT@disbursement-monitor",
        dueOn: "2023-01-31",
        summary: "Hoàn trả",
        description: "b",
        sequence: 0,
      },
    ]);
    expect(ics).toContain("\r\n");
    const { cal, events } = parse(ics);
    expect(cal.getFirstPropertyValue("x-wr-calname")).toBe("Hạn giải ngân — UBND huyện Núi Thành");
    expect(cal.getFirstPropertyValue("x-wr-timezone")).toBe("Asia/Ho_Chi_Minh");
    expect(cal.getFirstPropertyValue("method")).toBe("PUBLISH");
    expect(events).toEqual([
      {
        uid: "2022-M60-NT@disbursement-monitor",
        start: "2022-09-30",
        allDay: true,
        end: "2022-10-01",
        summary: "Mốc 60%",
        description: "a",
        sequence: 2,
        stamp: "2022-09-15T05:00:00Z",
        lastModified: "2022-09-15T05:00:00Z",
      },
      expect.objectContaining({
        uid: "2022-REF-NT@disbursement-monitor",
        start: "2023-01-31",
        end: "2023-02-01",
      }),
    ]);
    // Only DATE values: nothing that would need a VTIMEZONE.
    expect(cal.getAllSubcomponents("vtimezone")).toHaveLength(0);
  });

  it("escapes commas, semicolons, backslashes and newlines in the text, and reads them back", () => {
    const text = "Dòng 1, có dấu phẩy; chấm phẩy \\ gạch\nDòng 2: Không đạt";
    const ics = render([{ uid: "u@x", dueOn: "2022-12-31", summary: text, description: text, sequence: 0 }]);
    expect(ics).toContain("phẩy\\; chấm");
    const [e] = parse(ics).events;
    expect(e?.summary).toBe(text);
    expect(e?.description).toBe(text);
  });

  it("keeps the calendar's name free of characters clients unescape differently", () => {
    const { cal } = parse(render([], "Sở A, B; C\\D\nE"));
    expect(cal.getFirstPropertyValue("x-wr-calname")).toBe("Sở A B C D E");
  });

  it("lets no line break or control character of a name start a property of its own", () => {
    // A unit's name reaches NAME, X-WR-CALNAME and X-WR-CALDESC, which ical-generator writes raw.
    const name = "Huyện A\r\nX-INJECTED:1\r\nBEGIN:VEVENT\u0007\u2028Z";
    const text = "Dòng 1\u000b\u001b[31m\r\nDòng 2";
    const ics = renderCalendar({
      name,
      description: `Các mốc của ${name}, tỉnh Quảng Nam`,
      events: [{ uid: "u@x", dueOn: "2022-12-31", summary: text, description: text, sequence: 0 }],
      generatedAt: GENERATED,
      refreshMinutes: 60,
    });
    const lines = ics.split("\r\n");
    expect(lines.filter((l) => /^(X-INJECTED|BEGIN:VEVENT)/.test(l))).toEqual(["BEGIN:VEVENT"]);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(ics).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u2028]/);
    const { cal, events } = parse(ics);
    expect(cal.getFirstPropertyValue("x-wr-calname")).toBe("Huyện A X-INJECTED:1 BEGIN:VEVENT Z");
    expect(cal.getFirstPropertyValue("x-wr-caldesc")).toBe(
      "Các mốc của Huyện A X-INJECTED:1 BEGIN:VEVENT Z, tỉnh Quảng Nam",
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.summary).toBe("Dòng 1  [31m\nDòng 2");
  });

  it("folds long lines without splitting a multi-byte character", () => {
    const long = "Hạn giải ngân trên 60% — Sở Nông nghiệp và Phát triển nông thôn ".repeat(6).trim();
    const ics = render([{ uid: "u@x", dueOn: "2022-09-30", summary: long, description: long, sequence: 0 }]);
    for (const line of ics.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(parse(ics).events[0]?.description).toBe(long);
  });
});

const plan2022: FeedPlan = { year: 2022, version: 3, milestones: DEFAULT_PLAN_2022.milestones };
const row = (o: Partial<UnitRow> & Pick<UnitRow, "id" | "program" | "status">): UnitRow => ({
  rate: 45,
  threshold: 60,
  comparison: "gt",
  shortfall: 150_000_001n,
  kind: "rate",
  ...o,
});

describe("unit events", () => {
  const events = unitFeedEvents({
    unit: { code: "NUITHANH", name: "UBND huyện Núi Thành" },
    plan: plan2022,
    rows: [
      row({ id: "M60", program: "NTM", status: "at_risk" }),
      row({ id: "M60", program: "GNBV", status: "met", rate: 72.5, shortfall: 0n }),
      row({
        id: "M90",
        program: "NTM",
        status: "on_track",
        rate: 45,
        threshold: 90,
        shortfall: 1_234_567_890n,
      }),
      row({ id: "REF", program: "NTM", status: "not_applicable", kind: "refund", shortfall: 0n }),
    ],
    programNames: new Map([["NTM", "Xây dựng nông thôn mới"]]),
    asOf: ASOF,
  });
  const byId = new Map(parse(render(events)).events.map((e) => [e.uid, e]));

  it("has one event per milestone that concerns the unit, on its due date, with a stable UID", () => {
    expect([...byId.keys()]).toEqual([eventUid(2022, "M60", "NUITHANH"), eventUid(2022, "M90", "NUITHANH")]);
    expect(eventUid(2022, "M60", "NUITHANH")).toBe("2022-M60-NUITHANH@disbursement-monitor");
    expect(byId.get("2022-M60-NUITHANH@disbursement-monitor")).toMatchObject({
      start: "2022-09-30",
      sequence: 3,
      summary: "Giải ngân trên 60% kế hoạch vốn năm 2022 — UBND huyện Núi Thành: Có nguy cơ không đạt",
    });
  });

  it("describes each program's status, rate against the threshold, shortfall in đồng and days left", () => {
    const d = byId.get("2022-M60-NUITHANH@disbursement-monitor")?.description;
    expect(d).toContain("Hạn: đến hết ngày 30/09/2022 (còn 15 ngày)");
    expect(d).toContain("Tình trạng chung: Có nguy cơ không đạt");
    expect(d).toContain("Chương trình Xây dựng nông thôn mới (NTM):\n- Tình trạng: Có nguy cơ không đạt");
    expect(d).toContain("- Tỷ lệ giải ngân: 45,00% (yêu cầu trên 60%)");
    expect(d).toContain("- Số còn thiếu để đạt mốc: 150.000.001 đ");
    expect(d).toContain(
      "Chương trình GNBV:\n- Tình trạng: Đã đạt\n- Tỷ lệ giải ngân: 72,50% (yêu cầu trên 60%)",
    );
    expect(d).toContain("Số liệu tính đến hết ngày 15/09/2022.");
    expect(byId.get("2022-M90-NUITHANH@disbursement-monitor")?.description).toContain("1.234.567.890 đ");
  });
});

describe("province events", () => {
  const zero = { not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 };
  const atRisk = Array.from({ length: 23 }, (_, i) => ({
    id: "M60",
    unitCode: `U${String(i).padStart(2, "0")}`,
    unitName: `Đơn vị ${i}`,
    program: "NTM",
    status: i % 2 ? ("missed" as const) : ("at_risk" as const),
    shortfall: BigInt((i + 1) * 1_000_000),
  }));
  atRisk.push({ ...atRisk[0]!, program: "GNBV", shortfall: 500_000_000n });
  const events = provinceFeedEvents({
    plan: plan2022,
    counts: [{ id: "M60", unitCounts: { ...zero, met: 4, on_track: 1, at_risk: 12, missed: 11 } }],
    atRisk,
    asOf: ASOF,
  });
  const parsed = parse(render(events)).events;

  it("has one event per milestone of the plan", () => {
    expect(parsed.map((e) => e.uid)).toEqual(
      DEFAULT_PLAN_2022.milestones.map((m) => `2022-${m.id}-province@disbursement-monitor`),
    );
  });

  it("counts units by status, sums the shortfall and lists the largest 20, naming how many more", () => {
    const m60 = parsed[0]!;
    expect(m60.summary).toBe(
      "Giải ngân trên 60% kế hoạch vốn năm 2022 — toàn tỉnh: 23 đơn vị có nguy cơ hoặc không đạt",
    );
    const d = m60.description;
    expect(d).toContain("Đã đạt: 4; Đúng tiến độ: 1; Có nguy cơ không đạt: 12; Không đạt: 11");
    // 1 + 2 + … + 23 million, and the second program's 500 million.
    expect(d).toContain("Tổng số còn thiếu của các đơn vị có nguy cơ hoặc không đạt: 776.000.000 đ");
    expect(d).toContain("1. Đơn vị 0 (U00): Có nguy cơ không đạt, còn thiếu 501.000.000 đ");
    expect(d).toContain("2. Đơn vị 22 (U22): Có nguy cơ không đạt, còn thiếu 23.000.000 đ");
    expect(d).toContain("20. Đơn vị 4 (U04)");
    expect(d).not.toContain("21. ");
    expect(d).toContain("và 3 đơn vị khác.");
  });
});

describe("plansInFeed", () => {
  const p = (year: number, lastDue: string): FeedPlan => ({
    year,
    version: 0,
    milestones: [{ ...DEFAULT_PLAN_2022.milestones[0]!, dueOn: lastDue }],
  });
  it("keeps this year's plan, and last year's until its last deadline has passed", () => {
    const plans = [p(2021, "2022-01-31"), p(2022, "2023-01-31"), p(2023, "2023-12-31")];
    expect(plansInFeed(plans, "2023-01-31").map((x) => x.year)).toEqual([2022, 2023]);
    expect(plansInFeed(plans, "2023-02-01").map((x) => x.year)).toEqual([2023]);
    expect(plansInFeed(plans, "2022-06-01").map((x) => x.year)).toEqual([2022]);
    expect(plansInFeed(plans, "2030-01-01")).toEqual([]);
  });
});
