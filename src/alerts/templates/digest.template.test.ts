import { describe, expect, it } from "vitest";
import type { AlertItem } from "../alert.types.js";
import { countByStatus, renderDigest } from "./digest.template.js";
import { dutyDigestFixture } from "./duty-fixtures.js";
import { digestFixture } from "./fixtures.js";
import { isDuty } from "./format.js";

describe("renderDigest", () => {
  const rendered = renderDigest(digestFixture);

  it("matches the snapshot", () => {
    expect(rendered.subject).toMatchSnapshot("subject");
    expect(rendered.text).toMatchSnapshot("text");
    expect(rendered.html).toMatchSnapshot("html");
  });

  it("counts by status in the subject", () => {
    expect(rendered.subject).toBe(
      "[Giải ngân MTQG] Tổng hợp tuần 05/12/2022: 2 không đạt, 3 có nguy cơ không đạt",
    );
    expect(countByStatus(digestFixture.items)).toEqual([
      ["missed", 2],
      ["at_risk", 3],
    ]);
  });

  it("groups by program with a count per status, each sorted by shortfall", () => {
    const t = rendered.text;
    const gnbv = t.indexOf("Chương trình MTQG giảm nghèo bền vững\n");
    const ntm = t.indexOf("Chương trình MTQG xây dựng nông thôn mới\n");
    expect(gnbv).toBeGreaterThan(0);
    expect(ntm).toBeGreaterThan(gnbv);
    const ntmSection = t.slice(ntm);
    expect(ntmSection).toContain("Không đạt: 1; Có nguy cơ không đạt: 1");
    expect(ntmSection.indexOf("UBND thành phố Tam Kỳ")).toBeLessThan(
      ntmSection.indexOf("UBND huyện Nam Trà My"),
    );
    expect(rendered.html).toContain("<th ");
    expect(rendered.html).toContain("2.500.000.001 đ");
    expect(rendered.text).toContain("đạt ít nhất 100%");
  });

  it("writes Vietnamese with diacritics", () => {
    expect(rendered.text).toContain("Kính gửi");
    expect(rendered.text).toContain("tổng hợp tiến độ giải ngân");
    expect(rendered.html).toContain("Trân trọng.");
  });

  it("escapes program and unit names in HTML", () => {
    const [first] = digestFixture.items as [AlertItem];
    const r = renderDigest({
      ...digestFixture,
      items: [{ ...first, snapshot: { ...first.snapshot, unitName: "<script>", programName: "A & B" } }],
    });
    expect(r.html).not.toContain("<script>");
    expect(r.html).toContain("A &amp; B");
  });

  it("counts everything at risk or missed, and says how many of them it lists", () => {
    // Five listed of 101,428: the NTM pair list cut, GNBV none listed, two duties of 1,234.
    const [a, b, c] = digestFixture.items as AlertItem[];
    const duty = dutyDigestFixture.items.find((i) => isDuty(i))!;
    const r = renderDigest({
      ...digestFixture,
      items: [a!, c!, duty, duty],
      tally: {
        programs: [
          { program: "NTM", programName: a!.snapshot.programName, missed: 70_000, atRisk: 31_000 },
          { program: "GNBV", programName: b!.snapshot.programName, missed: 400, atRisk: 28 },
          { program: "DTTS", programName: "Chương trình MTQG dân tộc thiểu số", missed: 0, atRisk: 0 },
        ],
        duties: { missed: 1_000, atRisk: 234 },
      },
    });
    expect(r.subject).toBe(
      "[Giải ngân MTQG] Tổng hợp tuần 05/12/2022: 70.400 không đạt, 31.028 có nguy cơ không đạt, 1.234 văn bản chưa nộp",
    );
    expect(r.text).toContain(
      "Tổng cộng 101.428 nội dung cần theo dõi (Không đạt: 70.400; Có nguy cơ không đạt: 31.028), xếp theo số vốn còn thiếu giảm dần. Thư này nêu 2 nội dung có số vốn còn thiếu lớn nhất; danh sách đầy đủ xem trên bảng theo dõi của hệ thống.",
    );
    expect(r.text).toContain(
      "Không đạt: 70.000; Có nguy cơ không đạt: 31.000. Nêu 2 nội dung có số vốn còn thiếu lớn nhất.",
    );
    expect(r.text).toContain(
      "Không đạt: 400; Có nguy cơ không đạt: 28. Không nội dung nào nằm trong số được nêu.",
    );
    expect(r.text).not.toContain("dân tộc thiểu số\n");
    expect(r.text).toContain("1.234 văn bản chưa nộp (1.000 quá hạn, 234 sắp đến hạn).");
    expect(r.text).toContain("Và 1.232 văn bản khác.");
    expect(r.html).toContain("Và 1.232 văn bản khác.");
    // Listed in full, the same digest reads as before: no cut, no "Và".
    const programs = new Map<
      string,
      { program: string; programName: string; missed: number; atRisk: number }
    >();
    for (const { snapshot: x } of digestFixture.items) {
      const p = programs.get(x.program) ?? {
        program: x.program,
        programName: x.programName,
        missed: 0,
        atRisk: 0,
      };
      if (x.status === "missed") p.missed++;
      else p.atRisk++;
      programs.set(x.program, p);
    }
    const whole = renderDigest({
      ...digestFixture,
      tally: { programs: [...programs.values()], duties: { missed: 0, atRisk: 0 } },
    });
    expect(whole).toEqual(rendered);
  });

  it("says so when no unit is behind", () => {
    const r = renderDigest({ ...digestFixture, items: [] });
    expect(r.subject).toBe("[Giải ngân MTQG] Tổng hợp tuần 05/12/2022: không có đơn vị chậm tiến độ");
    expect(r.text).toContain("không có đơn vị nào");
  });
});
