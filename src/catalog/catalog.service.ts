import { actorOf, type Principal } from "../access/principal.js";
import { ConflictError, NotFoundError } from "../domain/errors.js";
import type { CatalogRepository, Program, Unit, UnitKind } from "./catalog.repository.js";

export function createCatalogService({ repo }: { repo: CatalogRepository }) {
  return {
    listPrograms: () => repo.listPrograms(),
    async createProgram(p: Program): Promise<Program> {
      if (!(await repo.insertProgram(p))) throw new ConflictError(`program ${p.code} already exists`);
      return p;
    },
    listUnits: (kind?: UnitKind) => repo.listUnits(kind),
    async getUnit(code: string): Promise<Unit> {
      const unit = await repo.findUnit(code);
      if (!unit) throw new NotFoundError(`no unit with code ${code}`);
      return unit;
    },
    /** The catalog as a caller may read it: an officer sees only the units of its key. */
    listUnitsFor: (by: Principal, kind?: UnitKind) =>
      repo.listUnits(kind, by.role === "officer" ? by.unitCodes : undefined),
    /**
     * Another unit reads to an officer exactly as an unknown one (404, same message), so the
     * answer never tells whether a code exists.
     */
    async getUnitFor(code: string, by: Principal): Promise<Unit> {
      const unit = by.role === "officer" && !by.unitCodes.includes(code) ? null : await repo.findUnit(code);
      if (!unit) throw new NotFoundError(`no unit with code ${code}`);
      return unit;
    },
    async createUnit(u: Unit, by: Principal): Promise<Unit> {
      if (!(await repo.insertUnit(u, actorOf(by)))) throw new ConflictError(`unit ${u.code} already exists`);
      return u;
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
