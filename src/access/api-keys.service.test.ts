// The key cache: what it keeps, what a revocation heard from elsewhere drops, and that it is not
// trusted while revocations are not being heard. The repository is a fake counting its lookups.
import { describe, expect, it } from "vitest";
import type { ApiKeyRecord, ApiKeysRepository } from "./api-keys.repository.js";
import { AUTH_CACHE_MS, createApiKeysService, hashApiKey } from "./api-keys.service.js";

function fakeKeys(keys: Record<string, { keyId: string; role: "officer" | "viewer" }>) {
  const byHash = new Map(
    Object.entries(keys).map(([secret, k]): [string, ApiKeyRecord] => [
      hashApiKey(secret),
      {
        keyId: k.keyId,
        name: k.keyId,
        role: k.role,
        unitCodes: [],
        createdAt: new Date(0),
        createdBy: "test",
        revokedAt: null,
      },
    ]),
  );
  let lookups = 0;
  // A lookup in flight that the test releases by hand, to race it with a revocation.
  let hold: Promise<void> | null = null;
  const repo = {
    async findActiveByHash(hash: string) {
      lookups++;
      const rec = byHash.get(hash) ?? null;
      const active = rec && rec.revokedAt === null ? { ...rec } : null;
      if (hold) await hold;
      return active;
    },
    async revoke(id: string) {
      const rec = [...byHash.values()].find((r) => r.keyId === id && r.revokedAt === null);
      if (rec) rec.revokedAt = new Date();
      return rec !== undefined;
    },
  };
  return {
    repo: repo as unknown as ApiKeysRepository,
    lookups: () => lookups,
    /** Revoked in the database by someone else: this service is not told. */
    revokeElsewhere: (id: string) => repo.revoke(id),
    holdLookups() {
      let release = () => {};
      hold = new Promise<void>((r) => (release = r));
      return () => {
        hold = null;
        release();
      };
    },
  };
}

function setup() {
  const keys = fakeKeys({
    "secret-a": { keyId: "a", role: "officer" },
    "secret-b": { keyId: "b", role: "viewer" },
  });
  let now = 1_000_000;
  const service = createApiKeysService({
    repo: keys.repo,
    unitsExist: async () => [],
    now: () => new Date(now),
  });
  return { keys, service, advance: (ms: number) => (now += ms) };
}

describe("the API key cache", () => {
  it("answers a repeated key from the cache until the TTL runs out", async () => {
    const { keys, service, advance } = setup();
    expect((await service.authenticate("secret-a"))?.keyId).toBe("a");
    expect((await service.authenticate("secret-a"))?.keyId).toBe("a");
    expect(keys.lookups()).toBe(1);
    // Revoked behind its back and nobody says so: the stale answer lasts until the TTL (the backstop).
    await keys.revokeElsewhere("a");
    advance(AUTH_CACHE_MS - 1);
    expect((await service.authenticate("secret-a"))?.keyId).toBe("a");
    advance(1);
    expect(await service.authenticate("secret-a")).toBeNull();
  });

  it("drops a key it is told changed, and only that key and the refusals", async () => {
    const { keys, service } = setup();
    await service.authenticate("secret-a");
    await service.authenticate("secret-b");
    expect(await service.authenticate("unknown")).toBeNull();
    expect(keys.lookups()).toBe(3);
    await keys.revokeElsewhere("a");
    service.forgetKey("a");
    expect(await service.authenticate("secret-a")).toBeNull();
    expect((await service.authenticate("secret-b"))?.keyId).toBe("b");
    await service.authenticate("unknown");
    // a and the unknown secret asked again; b still cached.
    expect(keys.lookups()).toBe(5);
  });

  it("asks the database on every request while revocations are not heard, and starts afresh after", async () => {
    const { keys, service } = setup();
    await service.authenticate("secret-a");
    service.trustCache(false);
    await service.authenticate("secret-a");
    await service.authenticate("secret-a");
    expect(keys.lookups()).toBe(3);
    // Revoked while nobody listened: refused at once, not after the TTL.
    await keys.revokeElsewhere("a");
    expect(await service.authenticate("secret-a")).toBeNull();
    service.trustCache(true);
    expect((await service.authenticate("secret-b"))?.keyId).toBe("b");
    expect((await service.authenticate("secret-b"))?.keyId).toBe("b");
    expect(keys.lookups()).toBe(5);
  });

  it("does not cache a lookup that read the key before a revocation it was told of", async () => {
    const { keys, service } = setup();
    const release = keys.holdLookups();
    const inFlight = service.authenticate("secret-a");
    // The revocation commits and its notification arrives while the lookup's answer is on its way.
    await keys.revokeElsewhere("a");
    service.forgetKey("a");
    release();
    expect((await inFlight)?.keyId).toBe("a");
    expect(await service.authenticate("secret-a")).toBeNull();
  });

  it("forgets everything on a revocation made here", async () => {
    const { keys, service } = setup();
    await service.authenticate("secret-a");
    await service.authenticate("secret-b");
    await service.revoke("a");
    expect(await service.authenticate("secret-a")).toBeNull();
    expect(keys.lookups()).toBe(3);
  });
});
