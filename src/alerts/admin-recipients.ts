// Admins who receive escalations and digests: ALERT_ADMIN_EMAILS plus those added through the API.
import { actorOf, type Principal } from "../access/principal.js";
import { ConflictError, NotFoundError } from "../domain/errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";

export type AdminRecipient = { email: string; name: string | null; source: "environment" | "api" };

export function createAdminRecipients(prisma: PrismaClient, fromEnvironment: string[]) {
  const env = [...new Set(fromEnvironment.map((e) => e.toLowerCase()))];
  return {
    async list(): Promise<AdminRecipient[]> {
      const stored = await prisma.adminRecipient.findMany({ orderBy: { email: "asc" } });
      const envRows = env.map((email) => ({ email, name: null, source: "environment" as const }));
      const apiRows = stored
        .filter((r) => !env.includes(r.email))
        .map((r) => ({ email: r.email, name: r.name, source: "api" as const }));
      return [...envRows, ...apiRows];
    },
    async emails(): Promise<string[]> {
      return (await this.list()).map((r) => r.email);
    },
    async add(email: string, name: string | undefined, by: Principal): Promise<AdminRecipient> {
      const normalized = email.toLowerCase();
      const res = await prisma.adminRecipient.createMany({
        data: [{ email: normalized, name: name ?? null, createdBy: actorOf(by) }],
        skipDuplicates: true,
      });
      if (res.count === 0 || env.includes(normalized))
        throw new ConflictError(`${normalized} is already an admin recipient`);
      return { email: normalized, name: name ?? null, source: "api" };
    },
    async remove(email: string): Promise<void> {
      const normalized = email.toLowerCase();
      if (env.includes(normalized))
        throw new ConflictError(
          `${normalized} comes from ALERT_ADMIN_EMAILS; change the environment to remove it`,
        );
      const res = await prisma.adminRecipient.deleteMany({ where: { email: normalized } });
      if (res.count === 0) throw new NotFoundError(`${normalized} is not an admin recipient`);
    },
  };
}

export type AdminRecipients = ReturnType<typeof createAdminRecipients>;
