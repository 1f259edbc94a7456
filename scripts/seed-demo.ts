// npm run seed:demo: loads the ILLUSTRATIVE demo province (scripts/demo-data.ts) into the
// configured database (PGlite in DATA_DIR, or DATABASE_URL), through the services so that every
// ledger rule applies. Running it again changes nothing.
import { databaseOptionsOf, loadConfig } from "../src/config.js";
import { createContainer } from "../src/container.js";
import { openDatabaseOrExit } from "../src/db/database.js";
import { migrate } from "../src/db/migrator.js";
import type { LocalDate } from "../src/domain/local-date.js";
import { formatVnd, percentHundredths } from "../src/domain/money.js";
import {
  DEFAULT_DEMO_SEED,
  DEMO_NOTE,
  DEMO_NOW,
  DEMO_PRINCIPAL,
  generateDemoProvince,
  loadDemoProvince,
  M60_DATE,
  M90_DATE,
} from "./demo-data.js";

const config = loadConfig();
const seed = DEFAULT_DEMO_SEED;

const db = await openDatabaseOrExit(databaseOptionsOf(config));
try {
  await migrate(db.raw);
  // A fixed clock: the demo's 2022 disbursements must not be "in the future" for the ledger.
  const container = createContainer(db, {
    maxBatchSize: config.maxBatchSize,
    clock: { now: () => new Date(DEMO_NOW) },
  });
  const where = db.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${config.dataDir}`;
  console.log(`seed:demo: ILLUSTRATIVE data only (${DEMO_NOTE}), not real figures of any province.`);
  console.log(`database: ${where}; seed ${seed}`);

  const province = generateDemoProvince(seed);
  const started = performance.now();
  const result = await loadDemoProvince(container, province, { maxBatchSize: config.maxBatchSize });
  if (result.status === "conflict") {
    console.error(result.message);
    process.exitCode = 1;
  } else {
    if (result.status === "already_loaded")
      console.log(
        `the demo is already loaded (${result.units} units, ${result.allocations} allocations, ` +
          `${result.disbursements} disbursements): nothing to do.`,
      );
    else
      console.log(
        `loaded in ${((performance.now() - started) / 1000).toFixed(1)} s: ${result.units} units, ` +
          `${result.allocations} allocations and ${result.disbursements} disbursements in ${result.batches} batches.`,
      );
    await printSummary(container, province);
  }
} finally {
  await db.close();
}

async function printSummary(
  container: ReturnType<typeof createContainer>,
  province: ReturnType<typeof generateDemoProvince>,
) {
  const sum = (xs: { amount: bigint }[]) => xs.reduce((t, x) => t + x.amount, 0n);
  const own = province.allocations.filter((a) => a.carriedOverFrom === null);
  const carried = province.allocations.filter((a) => a.carriedOverFrom !== null);
  const districts = province.units.filter((u) => u.kind === "district").length;
  console.log(
    `\nunits: ${province.units.length} (${districts} district-level, ${province.units.length - districts} departments)`,
  );
  console.log(
    `allocations: ${province.allocations.length} entries, ${formatVnd(sum(own))} of 2022 capital ` +
      `+ ${formatVnd(sum(carried))} of 2021 capital carried over`,
  );
  console.log(
    `disbursements: ${province.disbursements.length} entries from ${province.disbursements[0]?.disbursedOn} ` +
      `to ${province.disbursements.at(-1)?.disbursedOn}, ${formatVnd(sum(province.disbursements))} in all`,
  );

  // Read back from the database, as the API would answer.
  const rate = async (code: string, asOf: LocalDate, carriedOverFrom: number | null) => {
    const ledger = await container.ledger.unitLedger(code, asOf, DEMO_PRINCIPAL);
    const lines = ledger.lines.filter((l) => l.planYear === 2022 && l.carriedOverFrom === carriedOverFrom);
    const allocated = lines.reduce((t, l) => t + l.allocated, 0n);
    const disbursed = lines.reduce((t, l) => t + l.disbursed, 0n);
    return { allocated, disbursed, pct: allocated > 0n ? percentHundredths(disbursed, allocated) : null };
  };
  const fmtPct = (p: bigint | null) => (p === null ? "—" : `${(Number(p) / 100).toFixed(2)}%`);

  console.log(`\nown 2022 capital per unit (disbursed share at 30/9/2022, 31/12/2022, 31/1/2023):`);
  const below60: string[] = [];
  const below90: string[] = [];
  for (const u of province.units) {
    const sep = await rate(u.code, M60_DATE, null);
    const dec = await rate(u.code, M90_DATE, null);
    const jan = await rate(u.code, "2023-01-31", null);
    if (sep.pct !== null && sep.pct <= 6000n) below60.push(u.code);
    if (dec.pct !== null && dec.pct <= 9000n) below90.push(u.code);
    console.log(
      `  ${u.code.padEnd(12)} ${formatVnd(jan.allocated).padStart(22)}  ${fmtPct(sep.pct).padStart(7)}  ` +
        `${fmtPct(dec.pct).padStart(7)}  ${fmtPct(jan.pct).padStart(7)}`,
    );
  }
  console.log(`\nnot above 60% at 30/9/2022: ${below60.join(", ") || "none"}`);
  console.log(`not above 90% at 31/12/2022: ${below90.join(", ") || "none"}`);
  const carriedLines: string[] = [];
  for (const code of province.intended.carriedOver) {
    const dec = await rate(code, M90_DATE, 2021);
    carriedLines.push(`${code} ${fmtPct(dec.pct)}`);
  }
  console.log(`2021 capital carried over, disbursed at 31/12/2022: ${carriedLines.join(", ")}`);
  console.log(`without any capital plan: ${province.intended.withoutCapital.join(", ")}`);
  console.log(`\nEvery entry's note begins with "${DEMO_NOTE}": the figures are made up for demonstration.`);
}
