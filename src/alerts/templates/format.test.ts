import { describe, expect, it } from "vitest";
import {
  formatAcknowledgement,
  formatDate,
  formatPace,
  formatRate,
  formatTarget,
  formatThresholdPercent,
  formatTimeLeft,
  reminderDays,
  stageLabel,
  stageRank,
  statusLabel,
} from "./format.js";
import { escapeHtml } from "./html.js";

describe("Vietnamese formatting", () => {
  it("writes dates as dd/mm/yyyy", () => {
    expect(formatDate("2022-09-30")).toBe("30/09/2022");
    expect(formatDate("2023-01-01")).toBe("01/01/2023");
    expect(formatDate("0099-12-31")).toBe("31/12/0099");
    expect(() => formatDate("30/09/2022")).toThrow(RangeError);
  });

  it("writes rates with 2 decimals and a decimal comma", () => {
    expect(formatRate(59.99)).toBe("59,99%");
    expect(formatRate(60)).toBe("60,00%");
    expect(formatRate(0.5)).toBe("0,50%");
    expect(formatRate(null)).toBe("—");
    expect(formatRate(99.99)).toBe("99,99%");
    expect(formatRate(100)).toBe("100,00%");
    expect(formatRate(1234.5)).toBe("1.234,50%");
    expect(formatRate(0.07)).toBe("0,07%");
    expect(formatRate(-1.5)).toBe("-1,50%");
  });

  it("writes thresholds as the plan does, with the comparison", () => {
    expect(formatThresholdPercent(60)).toBe("60%");
    expect(formatThresholdPercent(99.5)).toBe("99,5%");
    expect(formatTarget({ threshold: 60, comparison: "gt" })).toBe("trên 60%");
    expect(formatTarget({ threshold: 100, comparison: "gte" })).toBe("đạt ít nhất 100%");
  });

  it("writes đồng with dot grouping, and a daily pace", () => {
    expect(formatPace(20_282_267n)).toBe("20.282.267 đ/ngày");
  });

  it("says how much time is left from the snapshot's own date", () => {
    expect(formatTimeLeft({ asOf: "2022-09-16", dueOn: "2022-09-30", daysLeft: 14 })).toBe("còn 14 ngày");
    expect(formatTimeLeft({ asOf: "2022-09-30", dueOn: "2022-09-30", daysLeft: 0 })).toBe(
      "hôm nay là hạn cuối",
    );
    expect(formatTimeLeft({ asOf: "2022-10-03", dueOn: "2022-09-30", daysLeft: 0 })).toBe(
      "đã quá hạn 3 ngày",
    );
  });

  it("labels stages and statuses in Vietnamese", () => {
    expect(reminderDays("reminder_30")).toBe(30);
    expect(reminderDays("at_risk")).toBeNull();
    expect(stageLabel("reminder_7")).toBe("Nhắc hạn (trước 7 ngày)");
    expect(stageLabel("at_risk")).toBe("Cảnh báo nguy cơ không đạt mốc");
    expect(stageLabel("missed")).toBe("Thông báo không đạt mốc");
    expect(stageLabel("recovered")).toBe("Đã đạt mốc sau cảnh báo");
    expect(statusLabel("at_risk")).toBe("Có nguy cơ không đạt");
  });

  it("ranks stages by urgency", () => {
    const stages = ["recovered", "reminder_30", "reminder_1", "at_risk", "reminder_7", "missed"] as const;
    expect([...stages].sort((a, b) => stageRank(a) - stageRank(b))).toEqual([
      "missed",
      "at_risk",
      "reminder_1",
      "reminder_7",
      "reminder_30",
      "recovered",
    ]);
  });

  it("escapes HTML", () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;",
    );
  });
});

describe("formatAcknowledgement", () => {
  it("keeps the unit head's plan on one line, so it cannot pass for lines of the e-mail", () => {
    const a = {
      on: "2022-10-03",
      plannedOn: null,
      plannedAction: "Rà soát\r\n\n2. Đơn vị khác: đã đạt\n-- \nký tên",
    };
    expect(formatAcknowledgement(a)).toBe(
      "đã xác nhận ngày 03/10/2022; kế hoạch: “Rà soát 2. Đơn vị khác: đã đạt -- ký tên”",
    );
    expect(formatAcknowledgement({ ...a, plannedAction: " \n " })).toBe("đã xác nhận ngày 03/10/2022");
  });
});
