// Who may do what: API keys as bearer tokens, stored hashed; roles admin, officer (bound to
// units) and viewer; the public health and documentation routes.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countEntries,
  createUnit,
  makeAllocation,
  makeDisbursement,
  makeUnit,
  postAllocation,
  postDisbursement,
} from "./factories.js";
import { ADMIN_KEY, createTestApp, type TestApp } from "./helpers/test-app.js";

type Entry = { id: number; unitCode: string };
type Page = { items: Entry[]; nextCursor: string | null };

let t: TestApp;
let viewer: string;
let officerA: string;

// A is Tam Kỳ, B is Hội An; the officer key is bound to A only.
beforeAll(async () => {
  t = await createTestApp();
  await createUnit(t, { code: "TAMKY" });
  await createUnit(t, { code: "HOIAN" });
  await postAllocation(t, { unitCode: "TAMKY", amount: 1_000_000 });
  await postAllocation(t, { unitCode: "HOIAN", amount: 1_000_000 });
  await postDisbursement(t, { unitCode: "TAMKY", amount: 1_000 });
  await postDisbursement(t, { unitCode: "HOIAN", amount: 2_000 });
  viewer = await t.keyFor("viewer");
  officerA = await t.keyFor("officer", ["TAMKY"]);
});
afterAll(() => t.close());

const status = async (method: string, url: string, key: string | null, body?: unknown) =>
  (await t.request(method, url, { key, ...(body !== undefined ? { body } : {}) })).status;

const READS = [
  "/api/v1/programs",
  "/api/v1/units",
  "/api/v1/units/TAMKY",
  "/api/v1/allocations",
  "/api/v1/disbursements",
  "/api/v1/units/TAMKY/ledger",
];
const newProgram = () => ({ code: `P${Math.floor(Math.random() * 1e9)}`, name: "Chương trình thử" });

describe("authentication", () => {
  const everyRoute: [string, string, unknown?][] = [
    ...READS.map((u): [string, string] => ["GET", u]),
    ["GET", "/api/v1/api-keys"],
    ["POST", "/api/v1/allocations", makeAllocation()],
    ["POST", "/api/v1/disbursements", makeDisbursement()],
    ["POST", "/api/v1/units", makeUnit()],
    ["POST", "/api/v1/programs", newProgram()],
    ["POST", "/api/v1/api-keys", { name: "x", role: "viewer" }],
    ["DELETE", "/api/v1/api-keys/bootstrap-admin"],
  ];

  it("answers 401 to every API route without a key, and writes nothing", async () => {
    const before = await countEntries(t);
    for (const [method, url, body] of everyRoute)
      expect(await status(method, url, null, body), url).toBe(401);
    expect(await countEntries(t)).toEqual(before);
  });

  it("answers 401 to an unknown key and to a malformed Authorization header", async () => {
    for (const [method, url, body] of everyRoute)
      expect(await status(method, url, "dm_nope_notakey", body), url).toBe(401);
    for (const authorization of [`Basic ${ADMIN_KEY}`, "Bearer", ADMIN_KEY, `Bearer ${ADMIN_KEY} extra`]) {
      const res = await t.request("GET", "/api/v1/units", { key: null, headers: { authorization } });
      expect(res.status, authorization).toBe(401);
      expect(res.body).toMatchObject({ error: "unauthorized", requestId: expect.any(String) });
    }
  });

  it("accepts the scheme name in any case", async () => {
    const res = await t.request("GET", "/api/v1/units", {
      key: null,
      headers: { authorization: `bearer ${viewer}` },
    });
    expect(res.status).toBe(200);
  });
});

describe("viewer", () => {
  it("reads everything", async () => {
    for (const url of [...READS, "/api/v1/units/HOIAN/ledger"])
      expect(await status("GET", url, viewer), url).toBe(200);
    const all = await t.request("GET", "/api/v1/disbursements", { key: viewer });
    expect(new Set((all.body as Page).items.map((e) => e.unitCode))).toEqual(new Set(["TAMKY", "HOIAN"]));
  });

  it("posts nothing (403) and writes nothing", async () => {
    const before = await countEntries(t);
    expect(await status("POST", "/api/v1/allocations", viewer, makeAllocation())).toBe(403);
    expect(await status("POST", "/api/v1/disbursements", viewer, makeDisbursement({ amount: 1 }))).toBe(403);
    expect(await status("POST", "/api/v1/units", viewer, makeUnit())).toBe(403);
    expect(await status("POST", "/api/v1/programs", viewer, newProgram())).toBe(403);
    expect(await status("POST", "/api/v1/api-keys", viewer, { name: "x", role: "admin" })).toBe(403);
    expect(await status("GET", "/api/v1/api-keys", viewer)).toBe(403);
    expect(await countEntries(t)).toEqual(before);
  });
});

describe("officer bound to unit A", () => {
  it("posts for A", async () => {
    expect(await status("POST", "/api/v1/allocations", officerA, makeAllocation({ amount: 5 }))).toBe(201);
    expect(await status("POST", "/api/v1/disbursements", officerA, makeDisbursement({ amount: 5 }))).toBe(
      201,
    );
  });

  it("gets 403 posting for B, even inside a batch that is otherwise A's, and writes nothing", async () => {
    const before = await countEntries(t);
    const forB = makeDisbursement({ unitCode: "HOIAN", amount: 1 });
    expect(await status("POST", "/api/v1/disbursements", officerA, forB)).toBe(403);
    expect(await status("POST", "/api/v1/allocations", officerA, makeAllocation({ unitCode: "HOIAN" }))).toBe(
      403,
    );
    expect(
      await status("POST", "/api/v1/disbursements", officerA, [makeDisbursement({ amount: 1 }), forB]),
    ).toBe(403);
    expect(await countEntries(t)).toEqual(before);
  });

  it("reads only A's entries", async () => {
    for (const kind of ["allocations", "disbursements"]) {
      const mine = await t.request("GET", `/api/v1/${kind}`, { key: officerA });
      expect(mine.status).toBe(200);
      const units = (mine.body as Page).items.map((e) => e.unitCode);
      expect(units.length).toBeGreaterThan(0);
      expect(new Set(units)).toEqual(new Set(["TAMKY"]));
      expect(await status("GET", `/api/v1/${kind}?unit=TAMKY`, officerA)).toBe(200);
      expect(await status("GET", `/api/v1/${kind}?unit=HOIAN`, officerA)).toBe(403);
    }
    expect(await status("GET", "/api/v1/units/TAMKY/ledger", officerA)).toBe(200);
    expect(await status("GET", "/api/v1/units/HOIAN/ledger", officerA)).toBe(403);
  });

  it("walks its own entries page by page without seeing B's", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/disbursements?limit=1${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await t.request("GET", url, { key: officerA })).body as Page;
      seen.push(...page.items.map((e) => e.unitCode));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((u) => u === "TAMKY")).toBe(true);
  });

  it("may not manage units, programs or keys", async () => {
    expect(await status("POST", "/api/v1/units", officerA, makeUnit())).toBe(403);
    expect(await status("POST", "/api/v1/programs", officerA, newProgram())).toBe(403);
    expect(
      await status("POST", "/api/v1/api-keys", officerA, {
        name: "x",
        role: "officer",
        unitCodes: ["HOIAN"],
      }),
    ).toBe(403);
    expect(await status("GET", "/api/v1/api-keys", officerA)).toBe(403);
    expect(await status("DELETE", "/api/v1/api-keys/bootstrap-admin", officerA)).toBe(403);
  });

  it("an officer bound to two units reads and posts for both", async () => {
    const both = await t.keyFor("officer", ["TAMKY", "HOIAN"]);
    expect(await status("GET", "/api/v1/units/HOIAN/ledger", both)).toBe(200);
    expect(
      await status("POST", "/api/v1/disbursements", both, makeDisbursement({ unitCode: "HOIAN", amount: 1 })),
    ).toBe(201);
    const list = await t.request("GET", "/api/v1/disbursements", { key: both });
    expect(new Set((list.body as Page).items.map((e) => e.unitCode))).toEqual(new Set(["TAMKY", "HOIAN"]));
  });
});

describe("admin", () => {
  it("reads, posts for any unit, and manages units, programs and keys", async () => {
    for (const url of [...READS, "/api/v1/units/HOIAN/ledger", "/api/v1/api-keys"])
      expect(await status("GET", url, ADMIN_KEY), url).toBe(200);
    expect(
      await status(
        "POST",
        "/api/v1/disbursements",
        ADMIN_KEY,
        makeDisbursement({ unitCode: "HOIAN", amount: 1 }),
      ),
    ).toBe(201);
    const unit = makeUnit({ kind: "department", ccEmails: ["vanthu@example.org"] });
    expect(await status("POST", "/api/v1/units", ADMIN_KEY, unit)).toBe(201);
    expect((await t.request("GET", `/api/v1/units/${unit.code}`)).body).toEqual(unit);
    const program = newProgram();
    expect(await status("POST", "/api/v1/programs", ADMIN_KEY, program)).toBe(201);
    expect((await t.request("GET", "/api/v1/programs")).body).toContainEqual(program);
  });

  it("creates an officer key only for existing units, and with at least one", async () => {
    const none = await t.request("POST", "/api/v1/api-keys", { body: { name: "x", role: "officer" } });
    expect(none.status).toBe(422);
    expect(none.body).toMatchObject({ issues: [{ path: "body.unitCodes", rule: "required_for_officer" }] });
    const unknown = await t.request("POST", "/api/v1/api-keys", {
      body: { name: "x", role: "officer", unitCodes: ["NOWHERE"] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ issues: [{ path: "body.unitCodes", rule: "unknown_unit" }] });
  });
});

describe("API keys", () => {
  it("returns a new key once; the listing never shows it; the key works with its role", async () => {
    const created = await t.request("POST", "/api/v1/api-keys", {
      body: { name: "Kế toán Hội An", role: "officer", unitCodes: ["HOIAN"] },
    });
    expect(created.status).toBe(201);
    const k = created.body as {
      id: string;
      key: string;
      role: string;
      unitCodes: string[];
      createdBy: string;
    };
    expect(k).toMatchObject({ role: "officer", unitCodes: ["HOIAN"], createdBy: "admin:bootstrap-admin" });
    expect(k.key.length).toBeGreaterThanOrEqual(40);

    const list = await t.request("GET", "/api/v1/api-keys");
    expect(list.status).toBe(200);
    const rows = list.body as Record<string, unknown>[];
    expect(rows.find((r) => r.id === k.id)).toMatchObject({ name: "Kế toán Hội An", revokedAt: null });
    for (const r of rows) expect(r).not.toHaveProperty("key");
    expect(JSON.stringify(list.body)).not.toContain(k.key);

    expect(
      await status(
        "POST",
        "/api/v1/disbursements",
        k.key,
        makeDisbursement({ unitCode: "HOIAN", amount: 1 }),
      ),
    ).toBe(201);
    expect(await status("POST", "/api/v1/disbursements", k.key, makeDisbursement({ amount: 1 }))).toBe(403);
  });

  it("a created admin key can create further keys", async () => {
    const admin2 = (
      await t.request("POST", "/api/v1/api-keys", { body: { name: "Sở KH&ĐT", role: "admin" } })
    ).body as { key: string; id: string };
    const made = await t.request("POST", "/api/v1/api-keys", {
      key: admin2.key,
      body: { name: "v", role: "viewer" },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ createdBy: `admin:${admin2.id}` });
  });

  it("a revoked key gets 401 at once, even right after it was used", async () => {
    const k = (await t.request("POST", "/api/v1/api-keys", { body: { name: "short-lived", role: "viewer" } }))
      .body as { id: string; key: string };
    expect(await status("GET", "/api/v1/units", k.key)).toBe(200);
    expect(await status("DELETE", `/api/v1/api-keys/${k.id}`, ADMIN_KEY)).toBe(204);
    expect(await status("GET", "/api/v1/units", k.key)).toBe(401);
    const row = (
      (await t.request("GET", "/api/v1/api-keys")).body as { id: string; revokedAt: string }[]
    ).find((r) => r.id === k.id);
    expect(row?.revokedAt).toEqual(expect.any(String));
    expect(await status("DELETE", `/api/v1/api-keys/${k.id}`, ADMIN_KEY)).toBe(404);
  });

  it("stores keys hashed: no column of api_key holds a secret", async () => {
    const created = (
      await t.request("POST", "/api/v1/api-keys", { body: { name: "hash check", role: "viewer" } })
    ).body as { id: string; key: string };
    const rows = await t.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>("SELECT * FROM api_key");
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const dump = JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
    for (const secret of [created.key, ADMIN_KEY, viewer, officerA]) {
      expect(dump).not.toContain(secret);
      // Nor the random part on its own (the key minus its public prefix).
      expect(dump).not.toContain(secret.slice(-32));
    }
    const row = rows.find((r) => r.id === created.id);
    expect(row?.key_hash).toBe(createHash("sha256").update(created.key).digest("hex"));
  });
});

describe("the key's own view", () => {
  it("tells each key its role and, for an officer, its units; nothing without a key", async () => {
    const me = async (key: string | null) => (await t.request("GET", "/api/v1/me", { key })).body;
    expect(await me(officerA)).toMatchObject({ role: "officer", unitCodes: ["TAMKY"] });
    expect(await me(viewer)).toMatchObject({ role: "viewer", unitCodes: [] });
    expect(await me(ADMIN_KEY)).toMatchObject({ role: "admin", keyId: "bootstrap-admin" });
    expect(await status("GET", "/api/v1/me", null)).toBe(401);
  });
});

describe("public routes", () => {
  it("/healthz and /readyz need no key", async () => {
    expect(await t.request("GET", "/healthz", { key: null })).toMatchObject({
      status: 200,
      body: { status: "ok" },
    });
    expect(await t.request("GET", "/readyz", { key: null })).toMatchObject({
      status: 200,
      body: { status: "ready", database: t.db.kind },
    });
  });

  it("/docs serves the UI without a key", async () => {
    const res = await t.app.inject({ method: "GET", url: "/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
  });

  it("/docs/json is an OpenAPI 3 document listing the /api/v1 paths", async () => {
    const res = await t.request("GET", "/docs/json", { key: null });
    expect(res.status).toBe(200);
    const doc = res.body as OpenApiDoc;
    expectValidOpenApi3(doc);
    const paths = Object.keys(doc.paths);
    for (const p of [
      "/api/v1/programs",
      "/api/v1/units",
      "/api/v1/units/{code}",
      "/api/v1/allocations",
      "/api/v1/disbursements",
      "/api/v1/units/{code}/ledger",
      "/api/v1/api-keys",
    ])
      expect(paths).toContain(p);
    expect(Object.keys(doc.paths["/api/v1/allocations"] ?? {}).sort()).toEqual(["get", "post"]);
    // Bearer keys are declared, and posts document the Idempotency-Key header.
    expect(doc.components?.securitySchemes).toMatchObject({ apiKey: { type: "http", scheme: "bearer" } });
    const post = doc.paths["/api/v1/disbursements"]?.post as Operation;
    expect(post.parameters).toContainEqual(
      expect.objectContaining({ in: "header", name: "idempotency-key" }),
    );
    // Amounts are documented as JSON integers.
    expect(JSON.stringify(post.requestBody)).toMatch(/"amount":\{[^}]*"type":"integer"/);
  });
});

type Operation = {
  responses: Record<string, { description?: unknown }>;
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: unknown;
};
type OpenApiDoc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, unknown>; schemas?: Record<string, unknown> };
};

/** The structural rules of OpenAPI 3.0 that a generator can get wrong. */
function expectValidOpenApi3(doc: OpenApiDoc) {
  expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
  expect(doc.info.title).toEqual(expect.any(String));
  expect(doc.info.version).toEqual(expect.any(String));
  const methods = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
  for (const [path, item] of Object.entries(doc.paths)) {
    expect(path.startsWith("/"), path).toBe(true);
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(item)) {
      expect(methods.has(method), `${path} ${method}`).toBe(true);
      expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      for (const [code, r] of Object.entries(op.responses)) {
        expect(code, `${method} ${path}`).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
        expect(typeof r.description, `${method} ${path} ${code}`).toBe("string");
      }
      for (const p of op.parameters ?? []) {
        expect(["query", "header", "path", "cookie"]).toContain(p.in);
        if (p.in === "path") expect(p.required, `${path} ${p.name}`).toBe(true);
      }
      const pathParams = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
      expect(pathParams.sort(), `${method} ${path}`).toEqual([...templated].sort());
    }
  }
  // Every $ref resolves, and no 3.1-only schema forms slipped into a 3.0 document.
  const text = JSON.stringify(doc);
  for (const [, ref] of text.matchAll(/"\$ref":"([^"]+)"/g)) {
    const target = (ref ?? "")
      .replace(/^#\//, "")
      .split("/")
      .reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], doc);
    expect(target, ref).toBeDefined();
  }
  expect(text).not.toMatch(/"type":\[/);
  expect(text).not.toMatch(/"const":/);
}
