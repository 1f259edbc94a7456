import type { PrismaClient } from "../generated/prisma/client.js";
import type { Principal, Role } from "./principal.js";

export type ApiKeyRecord = Principal & { createdAt: Date; createdBy: string; revokedAt: Date | null };

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
    async create(k: {
      id: string;
      name: string;
      role: Role;
      unitCodes: string[];
      keyHash: string;
      createdBy: string;
    }) {
      return toRecord(await prisma.apiKey.create({ data: k }));
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
    async revoke(id: string): Promise<boolean> {
      const res = await prisma.apiKey.updateMany({
        where: { id, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      return res.count === 1;
    },
  };
}

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;
