// npm run alerts -- [--as-of YYYY-MM-DD] [--dry-run] [--no-send]: the scheduled evaluation from
// the shell, for any date. Without --dry-run it records alerts and sends what it queued.
import { parseArgs } from "node:util";
import { databaseOptionsOf, loadConfig } from "../src/config.js";
import { createConfiguredContainer } from "../src/container.js";
import { openDatabaseOrExit } from "../src/db/database.js";
import { migrate } from "../src/db/migrator.js";
import { isValidLocalDate } from "../src/domain/local-date.js";

const { values } = parseArgs({
  options: {
    "as-of": { type: "string" },
    "dry-run": { type: "boolean", default: false },
    "no-send": { type: "boolean", default: false },
  },
});
const asOfArg = values["as-of"];
if (asOfArg !== undefined && !isValidLocalDate(asOfArg)) {
  console.error(`--as-of must be a date as YYYY-MM-DD, got ${asOfArg}`);
  process.exit(2);
}
const config = loadConfig();
const db = await openDatabaseOrExit(databaseOptionsOf(config));
await migrate(db.raw);
const c = createConfiguredContainer(db, config, { instance: "cli", log: (m, meta) => console.log(m, meta) });
try {
  const asOf = asOfArg ?? c.today();
  const r = await c.alerts.runEvaluation({ asOf, dryRun: values["dry-run"], trigger: "cli" });
  console.log(
    `${r.dryRun ? "dry run" : "run"} for ${r.asOf} (plan years ${r.planYears.join(", ")}): ${r.queued} alerts ${r.dryRun ? "would be" : ""} queued in ${r.messages.length} messages, ${r.skipped} stale stages ${r.dryRun ? "would be " : ""}recorded as skipped${r.ran ? "" : " — another instance was running; nothing done"}`,
  );
  for (const m of r.messages)
    console.log(
      `  ${m.kind.padEnd(10)} ${m.to.padEnd(40)} ${String(m.items).padStart(4)} items  ${m.subject}`,
    );
  if (!r.dryRun && !values["no-send"]) console.log(`sent: ${await c.sender.drain()} messages handled`);
} finally {
  await c.mailer.close();
  await db.close();
}
