// Posts check their unit and program codes from memory: the first unknown code reads every code,
// and a code still unknown asks the database, so a unit another instance created since is found
// at once (units and programs are never deleted).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCatalogRepository } from "../src/catalog/catalog.repository.js";
import { createUnit, uniqueCode } from "./factories.js";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

/** A unit written as another instance (or a script) writes it, unseen by this process. */
async function unitElsewhere(): Promise<string> {
  const code = uniqueCode("ELSE");
  await t.db.raw.query(
    `INSERT INTO unit (code, name, kind, head_name, head_email, created_by)
     VALUES ($1, 'Đơn vị khác', 'district', 'Trưởng', 'head@example.invalid', 'elsewhere')`,
    [code],
  );
  return code;
}

describe("the codes a post names", () => {
  it("answers known codes, refuses unknown ones, and finds a unit created elsewhere after the first read", async () => {
    const catalog = createCatalogRepository(t.db.prisma);
    const { code: known } = await createUnit(t);
    expect(await catalog.existingUnitCodes([known, "NO-SUCH-UNIT"])).toEqual([known]);
    const later = await unitElsewhere();
    expect(await catalog.existingUnitCodes([later, known])).toEqual([later, known]);
    expect(await catalog.existingUnitCodes(["NO-SUCH-UNIT"])).toEqual([]);
    expect(await catalog.existingProgramCodes(["NTM", "NO-SUCH-PROGRAM"])).toEqual(["NTM"]);
  });

  it("reads again after a failed first read", async () => {
    const catalog = createCatalogRepository(t.db.prisma);
    const { code } = await createUnit(t);
    await t.db.raw.query(`ALTER TABLE unit RENAME TO unit_away`);
    try {
      await expect(catalog.existingUnitCodes([code])).rejects.toThrow();
    } finally {
      await t.db.raw.query(`ALTER TABLE unit_away RENAME TO unit`);
    }
    expect(await catalog.existingUnitCodes([code])).toEqual([code]);
  });
});
