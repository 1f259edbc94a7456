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

export function createCatalogRepository(prisma: PrismaClient) {
  return {
    listPrograms: (): Promise<Program[]> =>
      prisma.program.findMany({ select: { code: true, name: true }, orderBy: { code: "asc" } }),
    async insertProgram(p: Program): Promise<boolean> {
      const res = await prisma.program.createMany({ data: [p], skipDuplicates: true });
      return res.count === 1;
    },
    listUnits: (kind?: UnitKind): Promise<Unit[]> =>
      prisma.unit.findMany({ where: kind ? { kind } : {}, select: unitSelect, orderBy: { code: "asc" } }),
    findUnit: (code: string): Promise<Unit | null> =>
      prisma.unit.findUnique({ where: { code }, select: unitSelect }),
    async insertUnit(u: Unit, createdBy: string): Promise<boolean> {
      const res = await prisma.unit.createMany({ data: [{ ...u, createdBy }], skipDuplicates: true });
      return res.count === 1;
    },
    async existingUnitCodes(codes: string[]): Promise<string[]> {
      const rows = await prisma.unit.findMany({ where: { code: { in: codes } }, select: { code: true } });
      return rows.map((r) => r.code);
    },
    async existingProgramCodes(codes: string[]): Promise<string[]> {
      const rows = await prisma.program.findMany({ where: { code: { in: codes } }, select: { code: true } });
      return rows.map((r) => r.code);
    },
  };
}

export type CatalogRepository = ReturnType<typeof createCatalogRepository>;
