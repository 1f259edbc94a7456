import type { PrismaClient } from "../generated/prisma/client.js";
import type { Principal, Role } from "./principal.js";

export type ApiKeyRecord = Principal & { createdAt: Date; createdBy: string; revokedAt: Date | null };

type NewKey = {
  id: string;
  name: string;
  role: Role;
  unitCodes: string[];
  keyHash: string;
  createdBy: string;
};

// Any fixed number shared by every instance: serialises the first-start check and insert below.
const FIRST_ADMIN_LOCK = 0x646d_6661;

export function createApiKeysRepository(prisma: PrismaClient) {
  const toRecord = (r: {
    id: string;
    name: string;
    role: Role;
    unitCodes: string[];
    createdAt: Date;
    createdBy: string;
    revokedAt: Date | null;
  }): ApiKeyRecord => ({
    keyId: r.id,
    name: r.name,
    role: r.role,
    unitCodes: r.unitCodes,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    revokedAt: r.revokedAt,
  });
  return {
    async findActiveByHash(keyHash: string): Promise<ApiKeyRecord | null> {
      const r = await prisma.apiKey.findFirst({ where: { keyHash, revokedAt: null } });
      return r ? toRecord(r) : null;
    },
    async create(k: NewKey) {
      return toRecord(await prisma.apiKey.create({ data: k }));
    },
    /**
     * Creates `k` only if no active admin key exists; null if one does. Instances starting together
     * on one database take turns (a transaction-scoped advisory lock), so the second one sees the
     * first one's key and creates none.
     */
    async createIfNoActiveAdmin(k: NewKey): Promise<ApiKeyRecord | null> {
      return prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_ADMIN_LOCK}::bigint)`;
        if ((await tx.apiKey.count({ where: { role: "admin", revokedAt: null } })) > 0) return null;
        return toRecord(await tx.apiKey.create({ data: k }));
      });
    },
    /** The environment's admin key: re-pointed at the current secret on every start. */
    async upsertBootstrap(keyHash: string) {
      await prisma.apiKey.upsert({
        where: { id: "bootstrap-admin" },
        create: {
          id: "bootstrap-admin",
          name: "ADMIN_API_KEY",
          role: "admin",
          keyHash,
          createdBy: "environment",
        },
        update: { keyHash, revokedAt: null },
      });
    },
    async list(): Promise<ApiKeyRecord[]> {
      return (await prisma.apiKey.findMany({ orderBy: { createdAt: "asc" } })).map(toRecord);
    },
    async revoke(id: string, at: Date): Promise<boolean> {
      const res = await prisma.apiKey.updateMany({
        where: { id, revokedAt: null },
        data: { revokedAt: at },
      });
      return res.count === 1;
    },
  };
}

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;
