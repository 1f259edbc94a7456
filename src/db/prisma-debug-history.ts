// Prisma's debug log keeps the arguments of its last 100 calls in memory, logging on or off
// (@prisma/debug's argsHistory, kept for its error reports), once in the client and once in
// the driver adapter. A bulk statement's arguments, its keys, rows and snapshots, stayed
// reachable until 100 later calls pushed them out: 4.5 MB a lookup of 28,000 alert keys, and
// a national alert run held every chunk's. Pushing 100 empty entries lets them go.
import { Debug as clientDebug } from "@prisma/client/runtime/client";
import { Debug as adapterDebug } from "@prisma/driver-adapter-utils";

/** @prisma/debug's MAX_ARGS_HISTORY. */
export const PRISMA_DEBUG_HISTORY = 100;

const client = clientDebug("disbursement-monitor:release");
const adapter = adapterDebug("disbursement-monitor:release");

/** Drops what Prisma's debug histories hold: call after statements with large arguments. */
export function releasePrismaDebugHistory(): void {
  for (let i = 0; i < PRISMA_DEBUG_HISTORY; i++) {
    client("");
    adapter("");
  }
}
