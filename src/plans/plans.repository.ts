import type { Plan } from "../domain/plan.js";
import type { AmendingAct } from "../domain/plan-amendment.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

export type PlanVersionRecord = {
  year: number;
  version: number;
  plan: Plan;
  act: AmendingAct | null;
  reason: string | null;
  createdBy: string;
  createdAt: Date;
};

export function createPlansRepository(prisma: PrismaClient) {
  const toRecord = (r: {
    year: number;
    version: number;
    plan: unknown;
    act: unknown;
    reason: string | null;
    createdBy: string;
    createdAt: Date;
  }) =>
    ({ ...r, plan: r.plan as Plan, act: (r.act ?? null) as AmendingAct | null }) satisfies PlanVersionRecord;
  return {
    /** With knownAt: the latest version created by then. */
    async latest(year: number, knownAt?: Date): Promise<PlanVersionRecord | null> {
      const r = await prisma.planVersion.findFirst({
        where: { year, ...(knownAt ? { createdAt: { lte: knownAt } } : {}) },
        orderBy: { version: "desc" },
      });
      return r ? toRecord(r) : null;
    },
    async history(year: number): Promise<PlanVersionRecord[]> {
      return (await prisma.planVersion.findMany({ where: { year }, orderBy: { version: "asc" } })).map(
        toRecord,
      );
    },
    async years(knownAt?: Date): Promise<number[]> {
      const rows = await prisma.planVersion.findMany({
        ...(knownAt ? { where: { createdAt: { lte: knownAt } } } : {}),
        distinct: ["year"],
        select: { year: true },
        orderBy: { year: "asc" },
      });
      return rows.map((r) => r.year);
    },
    /** The version and what it records (a restatement's audit event) commit together. */
    transaction: <T>(fn: (tx: Prisma.TransactionClient) => Promise<T>) => prisma.$transaction(fn),
    /** False when another amendment took this version number first. */
    async insert(
      v: Omit<PlanVersionRecord, "createdAt">,
      tx: Prisma.TransactionClient = prisma,
    ): Promise<boolean> {
      const res = await tx.planVersion.createMany({
        data: [{ ...v, plan: v.plan as object, act: v.act ?? undefined }],
        skipDuplicates: true,
      });
      return res.count === 1;
    },
  };
}

export type PlansRepository = ReturnType<typeof createPlansRepository>;
