import { createHash, randomBytes } from "node:crypto";
import { systemClock } from "../clock.js";
import { NotFoundError, RuleViolationError } from "../domain/errors.js";
import type { ApiKeysRepository } from "./api-keys.repository.js";
import { actorOf, type Principal, type Role } from "./principal.js";

// Keys are random 256-bit secrets, so a fast hash is enough: there is nothing to brute-force.
export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** A new key's id and secret: `dm_<id>_<256 random bits>`. Only the secret's hash is ever stored. */
function newKeySecret(): { id: string; secret: string } {
  const id = randomBytes(6).toString("hex");
  return { id, secret: `dm_${id}_${randomBytes(32).toString("base64url")}` };
}

type Deps = {
  repo: ApiKeysRepository;
  unitsExist: (codes: string[]) => Promise<string[]>;
  /** The container's clock: the cache's TTL and revocations are measured with it. */
  now?: () => Date;
};

/** How long a lookup is kept: only a backstop when revocations are heard (key-revocations.ts). */
export const AUTH_CACHE_MS = 10_000;

export function createApiKeysService({ repo, unitsExist, now = systemClock.now }: Deps) {
  const nowMs = () => now().getTime();
  // Lookups happen on every request; a cache keeps them off the database. A revocation on this
  // instance clears it at once; one on another instance reaches it through the database's
  // notification (src/access/key-revocations.ts), and the TTL only bounds what a notification
  // lost without our noticing (a silently dead connection) could leave behind.
  const cache = new Map<string, { principal: Principal | null; until: number }>();
  // Whether every change to a key will reach forgetKey. True where nothing else can change keys
  // (PGlite is one process's own) or where nobody listens (scripts, tests: today's behaviour);
  // false while the listener is not LISTENing, because a notification sent then is lost for good
  // and only the database knows whether a cached key was revoked meanwhile.
  let trusted = true;
  // Bumped by every forget: a lookup that started before it may have read the key as it was, and
  // must not put that back into the cache.
  let generation = 0;

  function forgetAll() {
    generation++;
    cache.clear();
  }

  return {
    async authenticate(secret: string): Promise<Principal | null> {
      const hash = hashApiKey(secret);
      const hit = trusted ? cache.get(hash) : undefined;
      if (hit && hit.until > nowMs()) return hit.principal;
      const startedAt = generation;
      const rec = await repo.findActiveByHash(hash);
      const principal = rec
        ? { keyId: rec.keyId, name: rec.name, role: rec.role, unitCodes: rec.unitCodes }
        : null;
      if (trusted && startedAt === generation) {
        if (cache.size > 10_000) cache.clear();
        cache.set(hash, { principal, until: nowMs() + AUTH_CACHE_MS });
      }
      return principal;
    },

    /**
     * A key was revoked, deleted or changed somewhere: drop what is cached of it, and the refusals
     * (a changed key may now answer to a secret that was unknown a moment ago).
     */
    forgetKey(keyId: string) {
      generation++;
      for (const [hash, entry] of cache) {
        if (entry.principal === null || entry.principal.keyId === keyId) cache.delete(hash);
      }
    },

    /**
     * Whether changes to keys are being heard. Going either way empties the cache: what was
     * cached before listening began may already be stale.
     */
    trustCache(on: boolean) {
      trusted = on;
      forgetAll();
    },

    async bootstrapAdmin(secret: string | undefined): Promise<void> {
      if (secret) await repo.upsertBootstrap(hashApiKey(secret));
    },

    /**
     * The first start signs in: with no active admin key at all, one is made and its secret
     * returned, to be shown once (src/main.ts prints it). Null when an admin key exists: a secret
     * once shown is never shown again, only its hash is kept. Several instances starting at once
     * make at most one.
     */
    async createFirstAdminKey(): Promise<{ id: string; key: string } | null> {
      const { id, secret } = newKeySecret();
      const rec = await repo.createIfNoActiveAdmin({
        id,
        name: "first admin (made at first start)",
        role: "admin",
        unitCodes: [],
        keyHash: hashApiKey(secret),
        createdBy: "first-start",
      });
      return rec ? { id: rec.keyId, key: secret } : null;
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
      const { id, secret } = newKeySecret();
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
      if (!(await repo.revoke(id, now()))) throw new NotFoundError(`no active API key ${id}`);
      forgetAll();
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
