// Global setup of the "faults" project: a PostgreSQL server for the cases that need one
// (DATABASE_URL's when set, else one of our own), a clean figures folder, and at the end the
// table of figures every case recorded.
import { rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { FIGURES_DIR, readAllFigures, summaryTable } from "./figures.js";
import { canStartPostgres, type PgServer, startPgServer } from "./postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A PostgreSQL server URL the cases may create databases on, or null when there is none. */
    faultsPostgresUrl: string | null;
  }
}

export default async function setup(project: TestProject) {
  rmSync(FIGURES_DIR, { recursive: true, force: true });
  let own: PgServer | null = null;
  let url = process.env.DATABASE_URL || null;
  if (!url && canStartPostgres()) {
    own = await startPgServer();
    url = own.url;
  }
  project.provide("faultsPostgresUrl", url);

  return async () => {
    await own?.destroy();
    const all = readAllFigures();
    if (all.length > 0) {
      console.log(`\nFault suite figures (JSON in ${FIGURES_DIR}):\n\n${summaryTable(all)}\n`);
    }
  };
}
