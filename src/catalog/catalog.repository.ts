import type { PrismaClient } from "../generated/prisma/client.js";

export type UnitKind = "department" | "district";
export type Unit = {
  code: string;
  name: string;
  kind: UnitKind;
  headName: string;
  headEmail: string;
  ccEmails: string[];
};
export type Program = { code: string; name: string };

const unitSelect = {
  code: true,
  name: true,
  kind: true,
  headName: true,
  headEmail: true,
  ccEmails: true,
} as const;

/**
 * Units and programs are never deleted, so a code once seen stays valid: known codes are answered
 * from memory (every ledger post checks them), unknown ones always ask the database, so a unit
 * created by another instance is found at once.
 */
async function existing(
  known: Set<string>,
  codes: string[],
  lookUp: (missing: string[]) => Promise<string[]>,
) {
  const missing = [...new Set(codes.filter((c) => !known.has(c)))];
  if (missing.length > 0) for (const c of await lookUp(missing)) known.add(c);
  return codes.filter((c) => known.has(c));
}

export function createCatalogRepository(prisma: PrismaClient) {
  const knownUnits = new Set<string>();
  const knownPrograms = new Set<string>();
  return {
    listPrograms: (): Promise<Program[]> =>
      prisma.program.findMany({ select: { code: true, name: true }, orderBy: { code: "asc" } }),
    async insertProgram(p: Program): Promise<boolean> {
      const res = await prisma.program.createMany({ data: [p], skipDuplicates: true });
      return res.count === 1;
    },
    /** Every unit, or those of `codes` (an officer's), of one kind or all. */
    listUnits: (kind?: UnitKind, codes?: string[]): Promise<Unit[]> =>
      prisma.unit.findMany({
        where: { ...(kind ? { kind } : {}), ...(codes ? { code: { in: codes } } : {}) },
        select: unitSelect,
        orderBy: { code: "asc" },
      }),
    findUnit: (code: string): Promise<Unit | null> =>
      prisma.unit.findUnique({ where: { code }, select: unitSelect }),
    async insertUnit(u: Unit, createdBy: string): Promise<boolean> {
      const res = await prisma.unit.createMany({ data: [{ ...u, createdBy }], skipDuplicates: true });
      return res.count === 1;
    },
    existingUnitCodes: (codes: string[]) =>
      existing(knownUnits, codes, async (missing) =>
        (await prisma.unit.findMany({ where: { code: { in: missing } }, select: { code: true } })).map(
          (r) => r.code,
        ),
      ),
    existingProgramCodes: (codes: string[]) =>
      existing(knownPrograms, codes, async (missing) =>
        (await prisma.program.findMany({ where: { code: { in: missing } }, select: { code: true } })).map(
          (r) => r.code,
        ),
      ),
  };
}

export type CatalogRepository = ReturnType<typeof createCatalogRepository>;
