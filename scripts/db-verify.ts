// npm run db:verify [-- --rebuild]: recomputes the ledger's kept figures from its entries and
// reports every scope where they differ (exit 1), or that they agree (exit 0). --rebuild writes
// them again from the entries first (a repair); the check that follows must then agree. It never
// migrates: a database without the figures (older than migration ..._ledger_figures) is refused.
import { parseArgs } from "node:util";
import { databaseOptionsOf, loadConfig } from "../src/config.js";
import { openDatabaseOrExit } from "../src/db/database.js";
import { createLedgerFiguresRepository } from "../src/ledger/ledger-figures.repository.js";

const { values } = parseArgs({ options: { rebuild: { type: "boolean", default: false } } });
const db = await openDatabaseOrExit(databaseOptionsOf(loadConfig()));

/** The exit code: 0 when the figures agree, 1 when some scope differs, 2 when there are none to check. */
async function verify(): Promise<number> {
  const [kept] = await db.raw.query<{ t: string | null }>("SELECT to_regclass('ledger_figures')::text AS t");
  if (!kept?.t) {
    console.error(`${db.kind}: this database keeps no figures yet; run npm run db:migrate first`);
    return 2;
  }
  const figures = createLedgerFiguresRepository(db.prisma);
  if (values.rebuild) {
    await figures.rebuild();
    console.log(`${db.kind}: figures rebuilt from the entries`);
  }
  const started = performance.now();
  const { count, first } = await figures.differences();
  const ms = Math.round(performance.now() - started);
  if (count === 0) {
    const scopes = await db.raw.query<{ n: string }>("SELECT COUNT(*)::text AS n FROM ledger_figures");
    console.log(
      `${db.kind}: the kept figures of ${scopes[0]?.n ?? 0} scopes agree with the entries (${ms} ms)`,
    );
    return 0;
  }
  console.error(`${db.kind}: ${count} scopes differ from the entries (${ms} ms); the first ${first.length}:`);
  for (const d of first)
    console.error(
      `  ${d.scopeKey}: ${d.problem}\n    kept:     ${d.kept ?? "-"}\n    expected: ${d.expected ?? "-"}`,
    );
  console.error("npm run db:verify -- --rebuild writes them again from the entries.");
  return 1;
}

// The database is closed (and an embedded folder's lock released) whatever the outcome.
let code: number;
try {
  code = await verify();
} finally {
  await db.close();
}
process.exit(code);
