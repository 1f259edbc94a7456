import { createHash, randomBytes } from "node:crypto";
import { NotFoundError, RuleViolationError } from "../domain/errors.js";
import type { ApiKeysRepository } from "./api-keys.repository.js";
import { actorOf, type Principal, type Role } from "./principal.js";

// Keys are random 256-bit secrets, so a fast hash is enough: there is nothing to brute-force.
export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

type Deps = {
  repo: ApiKeysRepository;
  unitsExist: (codes: string[]) => Promise<string[]>;
};

export function createApiKeysService({ repo, unitsExist }: Deps) {
  // Lookups happen on every request; a short cache keeps them off the database.
  const cache = new Map<string, { principal: Principal | null; until: number }>();
  const CACHE_MS = 10_000;

  return {
    async authenticate(secret: string): Promise<Principal | null> {
      const hash = hashApiKey(secret);
      const hit = cache.get(hash);
      if (hit && hit.until > Date.now()) return hit.principal;
      const rec = await repo.findActiveByHash(hash);
      const principal = rec
        ? { keyId: rec.keyId, name: rec.name, role: rec.role, unitCodes: rec.unitCodes }
        : null;
      if (cache.size > 10_000) cache.clear();
      cache.set(hash, { principal, until: Date.now() + CACHE_MS });
      return principal;
    },

    async bootstrapAdmin(secret: string | undefined): Promise<void> {
      if (secret) await repo.upsertBootstrap(hashApiKey(secret));
    },

    async createKey(input: { name: string; role: Role; unitCodes?: string[] | undefined }, by: Principal) {
      const unitCodes = [...new Set(input.unitCodes ?? [])];
      if (input.role === "officer" && unitCodes.length === 0) {
        throw new RuleViolationError("an officer key must name the units it posts for", [
          { field: "unitCodes", rule: "required_for_officer", message: "give at least one unit code" },
        ]);
      }
      const known = new Set(await unitsExist(unitCodes));
      const unknown = unitCodes.filter((c) => !known.has(c));
      if (unknown.length > 0) {
        // A reference inside a body is a broken rule (422), as in the ledger; 404 is for paths.
        throw new RuleViolationError(`unknown unit ${unknown.join(", ")}`, [
          {
            field: "unitCodes",
            rule: "unknown_unit",
            message: `no unit with code ${unknown.join(", ")}`,
          },
        ]);
      }
      const id = randomBytes(6).toString("hex");
      const secret = `dm_${id}_${randomBytes(32).toString("base64url")}`;
      const rec = await repo.create({
        id,
        name: input.name,
        role: input.role,
        unitCodes,
        keyHash: hashApiKey(secret),
        createdBy: actorOf(by),
      });
      return { ...rec, key: secret };
    },

    list: () => repo.list(),

    async revoke(id: string) {
      if (!(await repo.revoke(id))) throw new NotFoundError(`no active API key ${id}`);
      cache.clear();
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
