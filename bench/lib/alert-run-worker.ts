// One alert run in a process of its own, under the heap limits `npm start` gives the service
// (bench/parts/alerts.ts passes them): prints one JSON line with what the run did, its time, the
// highest heap seen (sampled every 10 ms) and the process's peak resident memory (VmHWM).
import { readFileSync } from "node:fs";
import { createContainer } from "../../src/container.js";
import { openDatabase } from "../../src/db/database.js";

const url = process.env.ALERT_BENCH_DB_URL;
const asOf = process.env.ALERT_BENCH_AS_OF;
if (!url || !asOf) throw new Error("ALERT_BENCH_DB_URL and ALERT_BENCH_AS_OF are required");
const dryRun = process.env.ALERT_BENCH_DRY === "1";

const db = await openDatabase({ databaseUrl: url });
const c = createContainer(db, {
  maxBatchSize: 1000,
  adminEmails: ["thuongtruc@bench.example.org", "kehoach@bench.example.org"],
  instance: "bench",
});
let heapPeak = 0;
const sampler = setInterval(() => {
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
}, 10);
const t0 = performance.now();
const r = await c.alerts.runEvaluation({ asOf, dryRun, trigger: "cli" });
const ms = performance.now() - t0;
clearInterval(sampler);
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
const admin = r.messages.filter((m) => m.kind === "admin");
console.log(
  JSON.stringify({
    asOf,
    dryRun,
    ms,
    queued: r.queued,
    skipped: r.skipped,
    messages: r.messages.length,
    adminItems: admin.map((m) => m.items),
    adminSubjects: admin.map((m) => m.subject),
    heapPeakMb: heapPeak / 2 ** 20,
    vmHwmMb: hwm ? Number(hwm[1]) / 1024 : null,
  }),
);
await db.close();
process.exit(0);
