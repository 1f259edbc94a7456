import { describe, expect, it } from "vitest";
import { renderDigest } from "./digest.template.js";
import { renderEscalation } from "./escalation.template.js";
import { digestFixture, escalationFixture, unitAlertFixture } from "./fixtures.js";
import { renderMessage } from "./render.js";
import { renderUnitAlert } from "./unit-alert.template.js";

describe("renderMessage", () => {
  it("dispatches on kind", () => {
    expect(renderMessage(unitAlertFixture)).toEqual(renderUnitAlert(unitAlertFixture));
    expect(renderMessage(escalationFixture)).toEqual(renderEscalation(escalationFixture));
    expect(renderMessage(digestFixture)).toEqual(renderDigest(digestFixture));
  });

  it("gives every kind a prefixed subject, an HTML document and a text version with the footer", () => {
    for (const m of [unitAlertFixture, escalationFixture, digestFixture]) {
      const r = renderMessage(m);
      expect(r.subject.startsWith("[Giải ngân MTQG] ")).toBe(true);
      expect(r.html.startsWith("<!DOCTYPE html>")).toBe(true);
      expect(r.html).toContain('<html lang="vi">');
      expect(r.text).toContain("(disbursement-monitor)");
      expect(r.text).not.toMatch(/[<>]/);
    }
  });
});
