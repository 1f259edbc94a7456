// The real app over a fresh database, driven with app.inject. The clock is the only fake.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LightMyRequestResponse } from "fastify";
import type { Principal, Role } from "../../src/access/principal.js";
import { createEmlMailer } from "../../src/alerts/mailer/index.js";
import { buildApp } from "../../src/app.js";
import { type Clock, type ContainerOptions, createContainer } from "../../src/container.js";
import { createTestDatabase } from "./test-database.js";

export const ADMIN_KEY = "test-admin-key-0123456789abcdef";

export function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => now, set: (v) => (now = new Date(v)) };
}

export type TestAppOptions = {
  clock?: Clock;
  maxBatchSize?: number;
  /** Where messages go (default: .eml files in a temporary folder of this app, removed on close). */
  mailer?: ContainerOptions["mailer"];
  adminEmails?: string[];
  outbox?: ContainerOptions["outbox"];
  alertPolicy?: ContainerOptions["alertPolicy"];
  /** The working calendar of the alerts (default: the container's). */
  calendar?: ContainerOptions["calendar"];
  instance?: string;
  /** Units an alert run decides at a time (default: the service's). */
  alertChunkUnits?: number;
  /** What the API calls to wake the sender (default: a background drain). */
  kickSender?: () => void;
};

export async function createTestApp(opts: TestAppOptions = {}) {
  const db = await createTestDatabase();
  const emlDir = opts.mailer ? null : await mkdtemp(join(tmpdir(), "dm-test-eml-"));
  const container = createContainer(db, {
    maxBatchSize: opts.maxBatchSize ?? 1000,
    clock: opts.clock ?? fixedClock("2022-12-31T05:00:00Z"),
    mailer: opts.mailer ?? createEmlMailer({ dir: emlDir!, from: "test <test@example.invalid>" }),
    ...(opts.adminEmails ? { adminEmails: opts.adminEmails } : {}),
    ...(opts.outbox ? { outbox: opts.outbox } : {}),
    ...(opts.alertPolicy ? { alertPolicy: opts.alertPolicy } : {}),
    ...(opts.calendar ? { calendar: opts.calendar } : {}),
    ...(opts.instance ? { instance: opts.instance } : {}),
    ...(opts.alertChunkUnits ? { alertChunkUnits: opts.alertChunkUnits } : {}),
  });
  await container.apiKeys.bootstrapAdmin(ADMIN_KEY);
  const app = await buildApp(container, opts.kickSender ? { kickSender: opts.kickSender } : {});
  const admin: Principal = { keyId: "bootstrap-admin", name: "test", role: "admin", unitCodes: [] };

  async function request(
    method: string,
    url: string,
    opts2: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const key = opts2.key === undefined ? ADMIN_KEY : opts2.key;
    const res: LightMyRequestResponse = await app.inject({
      method: method as "GET",
      url,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(opts2.headers ?? {}) },
      ...(opts2.body !== undefined ? { payload: opts2.body as object } : {}),
    });
    return { status: res.statusCode, body: res.body ? safeJson(res.body) : undefined, headers: res.headers };
  }

  return {
    app,
    container,
    db,
    request,
    async keyFor(role: Role, unitCodes: string[] = []) {
      return (await container.apiKeys.createKey({ name: `${role} for tests`, role, unitCodes }, admin)).key;
    },
    async close() {
      await app.close();
      await db.close();
      if (emlDir) await rm(emlDir, { recursive: true, force: true });
    },
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
