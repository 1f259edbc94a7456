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
 * created by another instance is found at once. The first unknown code reads every code (10,000
 * units are a few hundred kilobytes): otherwise each unit's first post paid a round trip.
 */
function knownCodes(all: () => Promise<string[]>, lookUp: (missing: string[]) => Promise<string[]>) {
  const known = new Set<string>();
  let loaded: Promise<void> | null = null;
  return async (codes: string[]): Promise<string[]> => {
    if (codes.some((c) => !known.has(c))) {
      if (!loaded)
        loaded = all().then(
          (cs) => {
            for (const c of cs) known.add(c);
          },
          (e) => {
            loaded = null;
            throw e;
          },
        );
      await loaded;
    }
    const missing = [...new Set(codes.filter((c) => !known.has(c)))];
    if (missing.length > 0) for (const c of await lookUp(missing)) known.add(c);
    return codes.filter((c) => known.has(c));
  };
}

export function createCatalogRepository(prisma: PrismaClient) {
  const unitCodes = knownCodes(
    async () => (await prisma.unit.findMany({ select: { code: true } })).map((r) => r.code),
    async (missing) =>
      (await prisma.unit.findMany({ where: { code: { in: missing } }, select: { code: true } })).map(
        (r) => r.code,
      ),
  );
  const programCodes = knownCodes(
    async () => (await prisma.program.findMany({ select: { code: true } })).map((r) => r.code),
    async (missing) =>
      (await prisma.program.findMany({ where: { code: { in: missing } }, select: { code: true } })).map(
        (r) => r.code,
      ),
  );
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
    existingUnitCodes: unitCodes,
    existingProgramCodes: programCodes,
  };
}

export type CatalogRepository = ReturnType<typeof createCatalogRepository>;
