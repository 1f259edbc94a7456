// The dashboard in a real browser: Debian's Chromium driven by playwright-core, against the real
// service (in this process, listening on 127.0.0.1) over in-memory PGlite with the illustrative
// demo province loaded and the clock set to 23/9/2022, a week before the 60% deadline.
// Screenshots go to test-output/screenshots/ (not committed).
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium, SHOTS } from "./chromium.js";
import { buildWeb, type DemoService, openPage as openBrowserPage, startDemoService } from "./demo-service.js";

const ADMIN_KEY = "e2e-admin-key-0123456789abcdef";
const TODAY = "2022-09-23";
const hasChromium = chromiumPresent("the dashboard's browser test");

/**
 * What the page's own code below touches, typed just enough: this project's TypeScript has no DOM
 * types (the browser code lives in web/, checked with its own tsconfig).
 */
type PageElement = {
  tagName: string;
  classList: Iterable<string>;
  getBoundingClientRect(): { right: number };
  closest(selector: string): unknown;
};
type PageCanvas = {
  width: number;
  height: number;
  getContext(kind: "2d"): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  };
};
type PageGlobals = {
  document: {
    documentElement: { clientWidth: number; scrollWidth: number };
    querySelectorAll(selector: string): Iterable<PageElement>;
    querySelector(selector: string): PageCanvas | null;
  };
  sessionStorage: { length: number };
};

let service: DemoService;
let browser: Browser;
let base: string;

describe.skipIf(!hasChromium)("dashboard in Chromium", () => {
  beforeAll(async () => {
    const webRoot = await buildWeb("e2e-web");
    await mkdir(SHOTS, { recursive: true });
    // The morning's alert run, so that unit pages have alerts to show.
    service = await startDemoService({
      adminKey: ADMIN_KEY,
      at: `${TODAY}T03:00:00Z`,
      webRoot,
      alertRunOn: TODAY,
    });
    base = service.base;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  const openPage = (viewport: { width: number; height: number }) => openBrowserPage(browser, { viewport });

  async function signIn(page: Page, key: string) {
    await page.goto(`${base}/`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("Khóa API").fill(key);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
  }

  /**
   * The page fits the screen's width (only tables scroll sideways, inside their own box): the
   * elements that stick out past the right edge, none expected.
   */
  const overflowing = (page: Page) =>
    page.evaluate(() => {
      const { document } = globalThis as unknown as PageGlobals;
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= width) return [];
      return [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !el.closest(".table-wrap"))
        .map(
          (el) =>
            `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ${Math.round(el.getBoundingClientRect().right)}px`,
        )
        .slice(0, 10);
    });

  /** Pixels of the chart's canvas that are not blank. */
  const drawnPixels = (page: Page) =>
    page.evaluate(() => {
      const { document } = globalThis as unknown as PageGlobals;
      const canvas = document.querySelector(".chart canvas");
      if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
      const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n += 1;
      return n;
    });

  for (const [name, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    it(`signs in, filters the at-risk table, opens a unit and draws its chart (${name} ${viewport.width}x${viewport.height})`, async () => {
      const { page, problems, close } = await openPage(viewport);
      try {
        await signIn(page, ADMIN_KEY);

        // Overview: a bar per program and one for the province, milestone cards with counts.
        await expect.poll(() => page.locator("h1").textContent()).toBe("Tổng quan toàn tỉnh");
        expect(new URL(page.url()).pathname).toBe("/");
        await expect.poll(() => page.locator(".rate-row").count()).toBe(4);
        expect(await page.locator("#as-of").inputValue()).toBe(TODAY);
        expect(await page.locator(".milestone-card").count()).toBeGreaterThanOrEqual(2);
        expect(await overflowing(page)).toEqual([]);
        await page.screenshot({ path: path.join(SHOTS, `${name}-1-overview.png`), fullPage: true });

        // The at-risk table, then only the NTM program.
        await page.getByRole("link", { name: "Có nguy cơ", exact: true }).click();
        await page.waitForURL(/\/at-risk/);
        const rows = page.locator("table.at-risk-table tbody tr");
        await expect.poll(() => rows.count()).toBeGreaterThan(0);
        // The whole list's count, from the server's totals ("N trường hợp: …").
        const listed = async () =>
          Number.parseInt((await page.locator(".result-count").textContent()) ?? "", 10);
        const all = await listed();
        expect(all).toBeGreaterThanOrEqual(await rows.count());
        await page.getByLabel("Chương trình").selectOption("NTM");
        await expect.poll(() => page.url()).toContain("program=NTM");
        // The server filters: the table is drawn again with NTM rows only.
        const programsShown = () =>
          rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-program")));
        await expect.poll(async () => [...new Set(await programsShown())]).toEqual(["NTM"]);
        expect((await programsShown()).length).toBeGreaterThan(0);
        const ntm = await listed();
        expect(ntm).toBeLessThan(all);
        expect(ntm).toBeGreaterThan(4);
        // Pages of 4 rows: "Xem thêm" appends the next page of the same filtered list until the
        // whole of it is shown, each row once, and then hides.
        await page.goto(`${base}/at-risk?program=NTM&limit=4`);
        await expect.poll(() => rows.count()).toBe(Math.min(4, ntm));
        const more = page.getByRole("button", { name: /^Xem thêm/ });
        for (let shown = 4; shown < ntm; shown += 4) {
          await more.click();
          await expect.poll(() => rows.count()).toBe(Math.min(shown + 4, ntm));
        }
        await expect.poll(() => more.isVisible()).toBe(false);
        const keys = await rows.evaluateAll((trs) =>
          trs.map((tr) => `${tr.getAttribute("data-unit")}|${tr.textContent}`),
        );
        expect(new Set(keys).size).toBe(ntm);
        expect(new Set(await programsShown())).toEqual(new Set(["NTM"]));
        // Sorted by a column header: the shortfall, smallest first on the second click.
        await page.locator('button[data-sort="shortfall"]').click();
        await expect
          .poll(() => page.locator('th:has(button[data-sort="shortfall"])').getAttribute("aria-sort"))
          .toBe("ascending");
        expect(await overflowing(page)).toEqual([]);
        await page.screenshot({ path: path.join(SHOTS, `${name}-2-at-risk-ntm.png`), fullPage: true });

        // The first unit of the filtered table.
        const first = rows.first().locator("a.unit-link");
        const unitName = await first.textContent();
        const unitCode = await rows.first().getAttribute("data-unit");
        await first.click();
        await page.waitForURL(new RegExp(`/units/${unitCode}`));
        await expect.poll(() => page.locator("h1").textContent()).toBe(unitName);
        await page.locator(".chart canvas").waitFor();
        await expect.poll(() => drawnPixels(page)).toBeGreaterThan(2_000);
        const legend = await page.locator(".u-legend").textContent();
        expect(legend).toContain("Lũy kế giải ngân");
        expect(legend).toContain("Mốc M60 (60%)");
        expect(legend).toContain("Dự báo");
        expect(await page.locator("tr[data-status] .badge").count()).toBeGreaterThan(0);
        expect(await page.getByRole("heading", { name: "Bút toán" }).count()).toBe(1);
        expect(await overflowing(page)).toEqual([]);
        await page.screenshot({ path: path.join(SHOTS, `${name}-3-unit.png`), fullPage: true });
        await page.screenshot({ path: path.join(SHOTS, `${name}-3-unit-top.png`) });
        await page
          .locator("section", { has: page.locator(".chart") })
          .screenshot({ path: path.join(SHOTS, `${name}-4-unit-chart.png`) });

        // Sign out: back to the sign-in page, and the key is gone.
        await page.getByRole("button", { name: "Đăng xuất" }).click();
        await page.waitForURL(/\/sign-in/);
        expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.length)).toBe(
          0,
        );

        expect(problems).toEqual([]);
      } catch (err) {
        // What the browser said is usually the reason: show it with the failure.
        if (problems.length > 0 && err instanceof Error)
          err.message += `\nin the browser:\n${problems.join("\n")}`;
        throw err;
      } finally {
        await close();
      }
    });
  }

  it("returns to the sign-in page, saying why, when the key is refused", async () => {
    const { page, problems, close } = await openPage({ width: 1280, height: 800 });
    try {
      await signIn(page, "not-a-valid-key-000000");
      await page.waitForURL(/\/sign-in\?reason=expired/);
      await expect.poll(() => page.getByRole("alert").textContent()).toContain("Khóa API không hợp lệ");
      await page.screenshot({ path: path.join(SHOTS, "desktop-0-sign-in-refused.png") });
      // The browser reports the refused call itself; nothing else may go wrong.
      expect(problems.filter((p) => !/401/.test(p))).toEqual([]);
    } finally {
      await close();
    }
  });
});
