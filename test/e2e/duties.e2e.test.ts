// Reporting duties in a real browser: an officer of Tam Kỳ records the unit's reports through the
// unit page's form (one without a file, one with a PDF), a refused one says why in Vietnamese and
// writes nothing, and the at-risk page lists the duties other units missed. The service runs in
// this process over in-memory PGlite with the demo province, the clock on 23/9/2022: the
// six-month report (BC_6_THANG, due 20/6) is missed by everyone, the year's (BC_NAM, due 20/12)
// still on track. Screenshots go to test-output/screenshots/.
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { chromiumPresent, launchChromium, SHOTS } from "./chromium.js";
import { buildWeb, type DemoService, openPage as openBrowserPage, startDemoService } from "./demo-service.js";

const ADMIN_KEY = "e2e-admin-key-duties-0123456789";
const TODAY = "2022-09-23";
const UNIT = "TAM_KY";
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const hasChromium = chromiumPresent("the duties' browser test");

type Submission = {
  id: string;
  documentNumber: string;
  submittedOn: string;
  note: string | null;
  file: { name: string; size: number; type: string; sha256: string } | null;
};
type UnitDuty = { id: string; status: string; submissions: Submission[] };

let service: DemoService;
let app: App;
let browser: Browser;
let base: string;
let officerKey: string;

/** The unit's duties as the API answers them: what the browser's writes left in the database. */
async function unitDuties(): Promise<Map<string, UnitDuty>> {
  const res = await app.inject({
    method: "GET",
    url: `/api/v1/units/${UNIT}/duties?planYear=2022&asOf=${TODAY}`,
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  return new Map((res.json() as { duties: UnitDuty[] }).duties.map((d) => [d.id, d]));
}

describe.skipIf(!hasChromium)("reporting duties in Chromium", () => {
  beforeAll(async () => {
    const webRoot = await buildWeb("e2e-web-duties");
    await mkdir(SHOTS, { recursive: true });
    service = await startDemoService({ adminKey: ADMIN_KEY, at: `${TODAY}T03:00:00Z`, webRoot });
    ({ app, base } = service);
    officerKey = (
      await service.container.apiKeys.createKey(
        { name: "Cán bộ Tam Kỳ", role: "officer", unitCodes: [UNIT] },
        { keyId: "bootstrap-admin", name: "e2e", role: "admin", unitCodes: [] },
      )
    ).key;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  const openPage = () =>
    openBrowserPage(browser, { viewport: { width: 1280, height: 900 }, acceptDownloads: true });

  async function signIn(page: Page, key: string, next: string) {
    await page.goto(`${base}/sign-in?next=${encodeURIComponent(next)}`);
    await page.getByLabel("Khóa API").fill(key);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    await page.waitForURL((u) => u.pathname === next);
  }

  /** How far the page sticks out past the screen's right edge (tables scroll inside their box). */
  const overflow = (page: Page) =>
    page.evaluate(() => {
      const { document } = globalThis as unknown as {
        document: { documentElement: { clientWidth: number; scrollWidth: number } };
      };
      return document.documentElement.scrollWidth - document.documentElement.clientWidth;
    });

  const dutyRow = (page: Page, id: string) => page.locator(`tr[data-duty="${id}"]`);

  it("takes an officer signing in to their own unit's page, not the province's overview", async () => {
    const { page, problems, close } = await openPage();
    try {
      await page.goto(`${base}/sign-in`);
      await page.getByLabel("Khóa API").fill(officerKey);
      await page.getByRole("button", { name: "Đăng nhập" }).click();
      await page.waitForURL((u) => u.pathname === `/units/${UNIT}`);
      await expect.poll(() => dutyRow(page, "BC_6_THANG").count()).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("records a unit's submissions through the unit page's form, and refuses one dated after today", async () => {
    const { page, problems, close } = await openPage();
    try {
      await signIn(page, officerKey, `/units/${UNIT}`);
      await expect.poll(() => dutyRow(page, "BC_6_THANG").getAttribute("data-status")).toBe("missed");
      expect(await dutyRow(page, "BC_NAM").getAttribute("data-status")).toBe("on_track");
      const form = page.locator("form.submission-form");
      expect(await form.getByRole("heading").textContent()).toBe("Ghi nhận văn bản đã nộp");
      // The date picker starts on the service's today; the duty most in need comes first.
      expect(await page.getByLabel("Ngày gửi").inputValue()).toBe(TODAY);
      expect(await form.getByLabel("Nghĩa vụ", { exact: true }).inputValue()).toBe("BC_6_THANG");

      // A document dated after today: the server's 422, worded in Vietnamese with its field.
      await form.getByLabel("Nghĩa vụ", { exact: true }).selectOption("BC_NAM");
      await page.getByLabel("Số văn bản").fill("99/BC-UBND");
      await page.getByLabel("Ngày gửi").fill("2022-10-03");
      await form.getByRole("button", { name: "Ghi nhận" }).click();
      const refusal = form.locator(".error-box[role=alert]");
      await expect.poll(() => refusal.textContent()).toContain("Ngày gửi: không được sau ngày hôm nay.");
      expect(await refusal.textContent()).toContain("Không ghi nhận được");
      expect(await form.getByRole("button", { name: "Ghi nhận" }).isEnabled()).toBe(true);
      expect((await unitDuties()).get("BC_NAM")!.submissions).toEqual([]);
      expect(await dutyRow(page, "BC_NAM").getAttribute("data-status")).toBe("on_track");

      // Without a file, sent twice in a row: one submission, and the duty is met.
      await form.getByLabel("Nghĩa vụ", { exact: true }).selectOption("BC_6_THANG");
      await page.getByLabel("Số văn bản").fill("45/BC-UBND");
      await page.getByLabel("Ngày gửi").fill("2022-06-17");
      await page.getByLabel("Ghi chú (không bắt buộc)").fill("Gửi qua hệ thống quản lý văn bản điều hành");
      await form.evaluate((f) => {
        const el = f as unknown as { requestSubmit(): void };
        el.requestSubmit();
        el.requestSubmit();
      });
      await expect.poll(() => dutyRow(page, "BC_6_THANG").getAttribute("data-status")).toBe("met");
      expect(await dutyRow(page, "BC_6_THANG").locator(".badge").textContent()).toBe("Đã nộp");
      const listed = await dutyRow(page, "BC_6_THANG").locator(".submissions").textContent();
      expect(listed).toContain("Số 45/BC-UBND, ngày 17/06/2022");
      expect(listed).toContain("Gửi qua hệ thống quản lý văn bản điều hành");
      await expect
        .poll(() => page.locator(".submission-outcome [role=status]").textContent())
        .toContain("Đã ghi nhận văn bản số 45/BC-UBND, ngày 17/06/2022");
      const afterFirst = (await unitDuties()).get("BC_6_THANG")!;
      expect(afterFirst.status).toBe("met");
      expect(afterFirst.submissions.map((s) => [s.documentNumber, s.submittedOn, s.note, s.file])).toEqual([
        ["45/BC-UBND", "2022-06-17", "Gửi qua hệ thống quản lý văn bản điều hành", null],
      ]);

      // With a PDF the browser may not label: sent as its bytes, kept, listed and downloadable.
      await form.getByLabel("Nghĩa vụ", { exact: true }).selectOption("BC_NAM");
      await page.getByLabel("Số văn bản").fill("88/BC-UBND");
      await page.getByLabel("Ngày gửi").fill("2022-09-20");
      await page
        .getByLabel("Tệp đính kèm (không bắt buộc)")
        .setInputFiles({ name: "bao-cao-nam-2022.pdf", mimeType: "", buffer: PDF });
      await form.getByRole("button", { name: "Ghi nhận" }).click();
      await expect.poll(() => dutyRow(page, "BC_NAM").getAttribute("data-status")).toBe("met");
      const fileButton = dutyRow(page, "BC_NAM").getByRole("button", { name: /bao-cao-nam-2022\.pdf/ });
      expect(await fileButton.textContent()).toBe("Tệp: bao-cao-nam-2022.pdf (1 KB)");
      const saved = (await unitDuties()).get("BC_NAM")!.submissions;
      expect(saved.map((s) => [s.documentNumber, s.submittedOn, s.note, s.file])).toEqual([
        [
          "88/BC-UBND",
          "2022-09-20",
          null,
          {
            name: "bao-cao-nam-2022.pdf",
            type: "application/pdf",
            size: PDF.length,
            sha256: createHash("sha256").update(PDF).digest("hex"),
          },
        ],
      ]);
      const [download] = await Promise.all([page.waitForEvent("download"), fileButton.click()]);
      expect(download.suggestedFilename()).toBe("bao-cao-nam-2022.pdf");
      const chunks: Buffer[] = [];
      for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(PDF)).toBe(true);

      await page.locator("section[aria-labelledby=duties-title]").screenshot({
        path: path.join(SHOTS, "duties-form.png"),
      });
      // On a phone the form fits the screen's width (only the table scrolls, in its own box).
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      // The refused write is the only thing the browser itself reported.
      expect(problems.filter((p) => !/status of 422/.test(p))).toEqual([]);
    } catch (err) {
      if (problems.length > 0 && err instanceof Error)
        err.message += `\nin the browser:\n${problems.join("\n")}`;
      throw err;
    } finally {
      await close();
    }
  });

  it("lists the duties units missed on the at-risk page, and none under a program filter", async () => {
    const { page, problems, close } = await openPage();
    try {
      await signIn(page, ADMIN_KEY, "/at-risk");
      const section = page.locator("section[aria-labelledby=duties-title]");
      expect(await section.getByRole("heading").textContent()).toBe("Nghĩa vụ báo cáo chậm hoặc sắp đến hạn");
      const rows = section.locator("tbody tr");
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
      const missed = section.locator('tr[data-duty="BC_6_THANG"][data-status="missed"]');
      expect(await missed.count()).toBeGreaterThan(0);
      // Tam Kỳ sent its report on time (the first test): not listed; Hội An sent nothing.
      expect(await section.locator(`tr[data-unit="${UNIT}"][data-duty="BC_6_THANG"]`).count()).toBe(0);
      const hoiAn = section.locator('tr[data-unit="HOI_AN"][data-duty="BC_6_THANG"]');
      expect(await hoiAn.locator("td").nth(1).textContent()).toBe("20/06/2022");
      expect(await hoiAn.locator(".badge").textContent()).toBe("Chưa nộp – quá hạn");
      expect(await section.locator(".duties-count").textContent()).toMatch(
        /^\d+ trường hợp chưa nộp – quá hạn, \d+ trường hợp sắp đến hạn\.$/,
      );
      // Each duty's words once, under its rows.
      expect(await section.locator(".duty-legend dt").allTextContents()).toContain("BC_6_THANG");
      await section.screenshot({ path: path.join(SHOTS, "at-risk-duties.png") });
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.setViewportSize({ width: 1280, height: 900 });

      // The unit's name opens its page.
      await hoiAn.getByRole("link", { name: "UBND thành phố Hội An" }).click();
      await page.waitForURL(/\/units\/HOI_AN/);
      await expect.poll(() => dutyRow(page, "BC_6_THANG").getAttribute("data-status")).toBe("missed");

      // The duties page like the money items, by the view's page size: "Xem thêm nghĩa vụ" adds the next.
      await page.goto(`${base}/at-risk?limit=2`);
      await expect.poll(() => rows.count()).toBe(2);
      expect(await section.locator(".duties-count").textContent()).toContain(
        "Đang hiển thị 2 trường hợp đầu.",
      );
      await section.getByRole("button", { name: "Xem thêm nghĩa vụ" }).click();
      await expect.poll(() => rows.count()).toBe(4);

      // A program filter: the server leaves the duties out, and the section says why.
      await page.goto(`${base}/at-risk?program=NTM`);
      await expect
        .poll(() => section.locator(".duties-count").textContent())
        .toContain("bỏ lọc chương trình");
      expect(await rows.count()).toBe(0);
      expect(problems).toEqual([]);
    } catch (err) {
      if (problems.length > 0 && err instanceof Error)
        err.message += `\nin the browser:\n${problems.join("\n")}`;
      throw err;
    } finally {
      await close();
    }
  });

  it("shows the Treasury's reading beside the reported one on the unit page, and which one decided", async () => {
    // A statement of the day before that lists Tam Kỳ with 1 đồng in one scope: every other scope
    // of the unit counts 0 on the Treasury's reading, up to the statement's date.
    const status = await app.inject({
      method: "GET",
      url: `/api/v1/units/${UNIT}/status?planYear=2022&asOf=${TODAY}`,
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    const m90 = (
      status.json() as { milestones: { id: string; program: string; status: string }[] }
    ).milestones.find((m) => m.id === "M90" && m.status !== "not_applicable")!;
    const csv = [
      "Mã đơn vị,Mã chương trình,Năm kế hoạch,Nguồn vốn,Loại vốn,Lũy kế giải ngân",
      `${UNIT},${m90.program},2022,Ngân sách trung ương,Vốn đầu tư phát triển,1`,
    ].join("\r\n");
    const imported = await app.inject({
      method: "POST",
      url: "/api/v1/treasury/statements?asOf=2022-09-22&documentRef=KBNN-QNa%2022%2F9%2F2022",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "text/csv" },
      payload: csv,
    });
    expect(imported.statusCode, imported.body).toBe(201);

    const { page, problems, close } = await openPage();
    try {
      await signIn(page, officerKey, `/units/${UNIT}`);
      const row = page
        .locator("section[aria-labelledby=milestones-title] tbody tr")
        .filter({ hasText: "M90" })
        .filter({ hasText: m90.program });
      await expect.poll(() => row.locator(".readings").count()).toBe(1);
      expect(await row.locator(".readings").textContent()).toMatch(/^Báo cáo [\d,]+% · Kho bạc [\d,]+%$/);
      expect(await row.textContent()).toContain("theo số liệu Kho bạc");
      expect(await page.locator("section[aria-labelledby=milestones-title]").textContent()).toContain(
        "Số liệu Kho bạc Nhà nước theo sao kê: KBNN-QNa 22/9/2022 (số liệu đến ngày 22/09/2022)",
      );
      await page.locator("section[aria-labelledby=milestones-title]").screenshot({
        path: path.join(SHOTS, "unit-treasury-readings.png"),
      });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
