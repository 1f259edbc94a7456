// After every fault: the figures the ledger keeps (migration ..._ledger_figures) must still be the
// figures its entries make, whatever was killed, restarted or refused on the way.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import type { Database } from "../../../src/db/database.js";
import { createLedgerFiguresRepository } from "../../../src/ledger/ledger-figures.repository.js";

const ROOT = resolve(import.meta.dirname, "../../..");

/** `npm run db:verify` against a case's PostgreSQL database: exit 0, or the case fails with its report. */
export async function verifyFiguresAt(url: string): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/db-verify.ts"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url },
      timeout: 120_000,
    });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(
      `db:verify found the kept figures wrong after the fault:\n${stdout ?? ""}${stderr ?? ""}`,
    );
  }
}

/** The same check in this process, for a database it holds (the embedded one). */
export async function verifyFiguresOf(db: Database): Promise<void> {
  expect(await createLedgerFiguresRepository(db.prisma).differences()).toEqual({ count: 0, first: [] });
}
