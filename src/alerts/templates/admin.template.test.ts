import { describe, expect, it } from "vitest";
import { renderAdmin } from "./admin.template.js";
import { renderDigest } from "./digest.template.js";
import { renderEscalation } from "./escalation.template.js";
import { digestFixture, escalationFixture } from "./fixtures.js";

const admin = {
  kind: "admin" as const,
  asOf: escalationFixture.asOf,
  recipient: escalationFixture.recipient,
};

describe("renderAdmin", () => {
  it("is the escalation alone, or the digest alone, when only one is due", () => {
    expect(renderAdmin({ ...admin, escalation: escalationFixture.items, digest: null })).toEqual(
      renderEscalation(escalationFixture),
    );
    const digestOnly = renderAdmin({
      ...admin,
      asOf: digestFixture.asOf,
      escalation: [],
      digest: { weekOf: digestFixture.weekOf, items: digestFixture.items },
    });
    expect(digestOnly).toEqual(renderDigest({ ...digestFixture, recipient: admin.recipient }));
  });

  it("puts escalations and the weekly digest of one run in one e-mail", () => {
    const both = renderAdmin({
      ...admin,
      escalation: escalationFixture.items,
      digest: { weekOf: digestFixture.weekOf, items: digestFixture.items },
    });
    expect(both.subject).toMatch(/^\[Giải ngân MTQG\] Báo cáo không đạt mốc .*; tổng hợp tuần/);
    expect(both.text.match(/Kính gửi/g)).toHaveLength(1);
    expect(both.text).toContain("Tổng hợp tuần");
    expect(both.html).toContain("Tổng hợp tuần");
    expect(both.text.trim().endsWith(".")).toBe(true);
  });
});
