// The e-mails and the acknowledgement page in a real browser: the messages a real alert run
// queued over the demo province (a unit head's, and an admin's escalation with the weekly
// digest), the fixtures of the kinds a run did not produce, and the link a head opens, filled in
// and posted as a person would. Screenshots go to test-output/screenshots/ beside the dashboard's.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestFixture, escalationFixture, unitAlertFixture } from "../../src/alerts/templates/fixtures.js";
import { renderMessage } from "../../src/alerts/templates/render.js";
import type { Database } from "../../src/db/database.js";
import { chromiumPresent, launchChromium, SHOTS } from "./chromium.js";
import { type DemoService, openPage as openBrowserPage, startDemoService } from "./demo-service.js";

const ADMIN_KEY = "e2e-admin-key-0123456789abcdef";
// Monday 03/10/2022: the first working day after the 60% deadline (Friday 30/9), and digest day.
const RUN_DAY = "2022-10-03";
/** A mail client's reading pane. */
const MAIL_VIEWPORT = { width: 640, height: 900 };

const hasChromium = chromiumPresent("the e-mails' browser test");

type PageGlobals = {
  document: { documentElement: { clientWidth: number; scrollWidth: number }; body: { textContent: string } };
};

let service: DemoService;
let db: Database;
let browser: Browser;
let base: string;

describe.skipIf(!hasChromium)("e-mails and the acknowledgement page in Chromium", () => {
  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    service = await startDemoService({
      adminKey: ADMIN_KEY,
      at: `${RUN_DAY}T01:00:00Z`,
      alertRunOn: RUN_DAY,
      options: { adminEmails: ["lanh.dao@quangnam.example.vn"], publicBaseUrl: "https://giamsat.example.vn" },
    });
    ({ db, base } = service);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  const openPage = () => openBrowserPage(browser, { viewport: MAIL_VIEWPORT });

  /** Shows an e-mail's HTML as a mail client would (no scripts run in either), and keeps a picture. */
  async function show(page: Page, html: string, name: string) {
    await page.setContent(html, { waitUntil: "load" });
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    return page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const root = g.document.documentElement;
      return { overflow: root.scrollWidth - root.clientWidth, text: g.document.body.textContent };
    });
  }

  it("renders the unit head's e-mail of a real run: link, working days, no sideways scrolling", async () => {
    const unit = await db.prisma.outboxMessage.findFirstOrThrow({
      where: { kind: "unit" },
      orderBy: { id: "asc" },
    });
    const { page, problems, close } = await openPage();
    const shown = await show(page, unit.html, "email-1-unit-head");
    expect(shown.overflow).toBeLessThanOrEqual(0);
    expect(shown.text).toContain("Đã nhận — kế hoạch khắc phục");
    expect(shown.text).toMatch(/ngày làm việc/);
    const link = page.getByRole("link", { name: /Đã nhận — kế hoạch khắc phục/ });
    expect(await link.getAttribute("href")).toMatch(/^https:\/\/giamsat\.example\.vn\/ack\/[A-Za-z0-9_-]+$/);
    expect(problems).toEqual([]);
    await close();
  });

  it("renders the admin's e-mail of the same run: escalations and the weekly digest", async () => {
    const admin = await db.prisma.outboxMessage.findFirstOrThrow({ where: { kind: "admin" } });
    const { page, problems, close } = await openPage();
    const shown = await show(page, admin.html, "email-2-admin-escalation-digest");
    expect(shown.overflow).toBeLessThanOrEqual(0);
    expect(shown.text).toContain("Tổng hợp tuần");
    expect(shown.text).toMatch(/chưa xác nhận/i);
    expect(problems).toEqual([]);
    await close();
  });

  it("renders the kinds a run sends alone: a reminder, an escalation, a digest", async () => {
    const { page, problems, close } = await openPage();
    for (const [name, message] of [
      ["email-3-unit-reminders", unitAlertFixture],
      ["email-4-escalation", escalationFixture],
      ["email-5-digest", digestFixture],
    ] as const) {
      const shown = await show(page, renderMessage(message).html, name);
      expect(shown.overflow, name).toBeLessThanOrEqual(0);
      expect(shown.text, name).toMatch(/Kính gửi/);
    }
    expect(problems).toEqual([]);
    await close();
  });

  it("lets a head open the link, name a recovery plan and acknowledge, once", async () => {
    const unit = await db.prisma.outboxMessage.findFirstOrThrow({
      where: { kind: "unit" },
      orderBy: { id: "asc" },
    });
    const linkPath = /\/ack\/[A-Za-z0-9_-]+/.exec(unit.text)?.[0];
    expect(linkPath).toBeDefined();
    const { page, problems, close } = await openPage();
    // Opening the link, as a mail scanner would, records nothing.
    const opened = await page.goto(`${base}${linkPath}`);
    expect(opened?.status()).toBe(200);
    await page.screenshot({ path: path.join(SHOTS, "ack-1-page.png"), fullPage: true });
    expect(await db.prisma.alertAcknowledgement.count()).toBe(0);

    await page
      .getByLabel(/Kế hoạch khắc phục/)
      .fill("Đẩy nhanh nghiệm thu, thanh toán khối lượng hoàn thành.");
    await page.getByLabel(/Ngày dự kiến hoàn thành/).fill("2022-10-20");
    await page.getByRole("button", { name: "Đã nhận — kế hoạch khắc phục" }).click();
    await page.getByText("Xác nhận đã được ghi nhận").waitFor();
    await page.screenshot({ path: path.join(SHOTS, "ack-2-done.png"), fullPage: true });
    const saved = await db.prisma.alertAcknowledgement.findMany();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      messageId: unit.id,
      recipient: unit.recipient.toLowerCase(),
      plannedAction: "Đẩy nhanh nghiệm thu, thanh toán khối lượng hoàn thành.",
    });
    expect(saved[0]?.plannedOn?.toISOString().slice(0, 10)).toBe("2022-10-20");

    // Back and submit again: the first acknowledgement stands, nothing more is written.
    await page.goto(`${base}${linkPath}`);
    expect(await page.getByText(/đã được xác nhận/).count()).toBeGreaterThan(0);
    expect(await db.prisma.alertAcknowledgement.count()).toBe(1);
    expect(problems).toEqual([]);
    await close();
  });
});
