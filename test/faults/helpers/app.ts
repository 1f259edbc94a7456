// The real app in this process over a database the case chose (PGlite in memory, or a fresh
// PostgreSQL database), driven with app.inject or over a real socket. Like test/helpers/test-app,
// which always opens its own database.
import type { LightMyRequestResponse } from "fastify";
import type { Principal, Role } from "../../../src/access/principal.js";
import { buildApp } from "../../../src/app.js";
import { type Clock, type ContainerOptions, createContainer } from "../../../src/container.js";
import { type Database, openDatabase } from "../../../src/db/database.js";
import { migrate } from "../../../src/db/migrator.js";
import { ADMIN_KEY } from "../../helpers/test-app.js";

export { ADMIN_KEY };

export const realClock: Clock = { now: () => new Date() };

export type FaultAppOptions = {
  clock?: Clock;
  mailer?: ContainerOptions["mailer"];
  adminEmails?: string[];
  outbox?: ContainerOptions["outbox"];
  instance?: string;
  /** The built dashboard's folder (default dist/web). */
  webRoot?: string;
};

export type Answer = { status: number; body: unknown; headers: Record<string, unknown>; raw: string };

export async function openPglite(): Promise<Database> {
  const db = await openDatabase({ inMemory: true });
  await migrate(db.raw);
  return db;
}

export async function createFaultApp(db: Database, opts: FaultAppOptions = {}) {
  const container = createContainer(db, {
    maxBatchSize: 1000,
    clock: opts.clock ?? realClock,
    ...(opts.mailer ? { mailer: opts.mailer } : {}),
    ...(opts.adminEmails ? { adminEmails: opts.adminEmails } : {}),
    ...(opts.outbox ? { outbox: opts.outbox } : {}),
    ...(opts.instance ? { instance: opts.instance } : {}),
  });
  await container.apiKeys.bootstrapAdmin(ADMIN_KEY);
  // The sender is driven by the case itself, never woken behind its back.
  const app = await buildApp(container, {
    kickSender: () => {},
    ...(opts.webRoot ? { webRoot: opts.webRoot } : {}),
  });
  const admin: Principal = { keyId: "bootstrap-admin", name: "faults", role: "admin", unitCodes: [] };

  async function request(
    method: string,
    url: string,
    o: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const key = o.key === undefined ? ADMIN_KEY : o.key;
    const res: LightMyRequestResponse = await app.inject({
      method: method as "GET",
      url,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(o.headers ?? {}) },
      ...(o.body !== undefined ? { payload: o.body as object } : {}),
    });
    return { status: res.statusCode, body: parseJson(res.body), headers: res.headers, raw: res.body };
  }

  return {
    app,
    container,
    db,
    request,
    /** Fails loudly unless the answer has the expected status: arrange steps never fail silently. */
    async expect(status: number, method: string, url: string, body?: unknown): Promise<unknown> {
      const res = await request(method, url, body === undefined ? {} : { body });
      if (res.status !== status)
        throw new Error(`${method} ${url} answered ${res.status}, not ${status}: ${res.raw.slice(0, 500)}`);
      return res.body;
    },
    async keyFor(role: Role, unitCodes: string[] = []) {
      return (await container.apiKeys.createKey({ name: `${role} for faults`, role, unitCodes }, admin)).key;
    },
    /** Closes the app; the database stays open (its owner closes it). */
    close: () => app.close(),
  };
}

export type FaultApp = Awaited<ReturnType<typeof createFaultApp>>;

export function parseJson(s: string): unknown {
  if (!s) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
