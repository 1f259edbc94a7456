// The at-risk page is judged lean, then its own rows again in full (src/rules/rules.service.ts,
// views): what it shows must be the whole list's rows, judged in full, field for field.
import { expect } from "vitest";
import type { AtRiskFilter } from "../../src/domain/at-risk.js";
import type { TestApp } from "./test-app.js";

export async function expectPagesAsWholeList(
  t: TestApp,
  dates: string[],
  filters: AtRiskFilter[] = [{}],
): Promise<void> {
  for (const asOf of dates)
    for (const filter of filters) {
      const whole = await t.container.rules.atRisk(asOf, 2022, filter);
      const page = await t.container.rules.atRiskPage(asOf, 2022, filter, { limit: 1000 });
      const overview = await t.container.rules.overview(asOf, 2022, { limit: 1000 });
      expect(whole.items.length, `${asOf} ${JSON.stringify(filter)}`).toBeLessThanOrEqual(1000);
      expect(page.items, `${asOf} ${JSON.stringify(filter)}`).toEqual(whole.items);
      if (Object.keys(filter).length === 0) expect(overview.atRisk.items, asOf).toEqual(whole.items);
    }
}
