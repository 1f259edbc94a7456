// The first start's admin key (issue 16.9), on the real database: made only when no active admin
// key exists, and at most one when several instances start at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKeysRepository } from "../src/access/api-keys.repository.js";
import { createApiKeysService } from "../src/access/api-keys.service.js";
import { createTestDatabase } from "./helpers/test-database.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.close());

/** An instance's key service; each with its own cache, as separate processes would have. */
const instance = () =>
  createApiKeysService({ repo: createApiKeysRepository(db.prisma), unitsExist: async () => [] });

describe("the first admin key", () => {
  it("is made once by instances starting together, and then never again while an admin key is active", async () => {
    const made = await Promise.all(Array.from({ length: 6 }, () => instance().createFirstAdminKey()));
    const keys = made.filter((m) => m !== null);
    expect(keys).toHaveLength(1);
    const { id, key } = keys[0]!;
    const admins = await db.prisma.apiKey.findMany({ where: { role: "admin" } });
    expect(admins.map((a) => a.id)).toEqual([id]);
    // Only the hash is kept.
    expect(JSON.stringify(admins)).not.toContain(key);
    expect((await instance().authenticate(key))?.role).toBe("admin");
    expect(await instance().createFirstAdminKey()).toBeNull();
  });

  it("is not made beside the environment's admin key, nor with only officers and viewers", async () => {
    await db.prisma.apiKey.deleteMany({});
    await db.prisma.apiKey.create({
      data: { id: "v", name: "viewer", role: "viewer", keyHash: "x", createdBy: "test" },
    });
    const first = await instance().createFirstAdminKey();
    expect(first).not.toBeNull();
    await db.prisma.apiKey.deleteMany({});
    await instance().bootstrapAdmin("environment-admin-key-0123456789");
    expect(await instance().createFirstAdminKey()).toBeNull();
  });

  it("is made again once every admin key is revoked: nobody could sign in otherwise", async () => {
    await db.prisma.apiKey.deleteMany({});
    const first = await instance().createFirstAdminKey();
    await instance().revoke(first!.id);
    const second = await instance().createFirstAdminKey();
    expect(second).not.toBeNull();
    expect(second!.key).not.toBe(first!.key);
  });
});
