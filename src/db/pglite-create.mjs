// Creates the embedded database in an empty folder, in a process of its own: PGlite's initdb
// needs about 800 MB while it runs, and a process keeps its peak resident memory's pages long
// after. The service opens the folder once this process has exited (src/db/database.ts).
// Plain JavaScript, started with plain node, from the sources and from the bundle alike.
import { PGlite } from "@electric-sql/pglite";

const [dir, conf] = process.argv.slice(2);
const db = new PGlite(dir, { postgresqlconf: JSON.parse(conf ?? "[]") });
await db.waitReady;
await db.close();
