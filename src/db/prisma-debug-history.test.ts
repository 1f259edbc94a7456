import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { Debug as clientDebug } from "@prisma/client/runtime/client";
import { Debug as adapterDebug } from "@prisma/driver-adapter-utils";
import { describe, expect, it } from "vitest";
import { releasePrismaDebugHistory } from "./prisma-debug-history.js";

v8.setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Logs a large argument as Prisma's client or adapter would, and says whether it is still reachable. */
async function retained(debug: typeof clientDebug, release: boolean): Promise<boolean> {
  const ref = (() => {
    const args = { rows: Array.from({ length: 10_000 }, (_, i) => `row ${i}`) };
    debug("prisma:test")("[js::query_raw] %O", args);
    return new WeakRef(args);
  })();
  if (release) releasePrismaDebugHistory();
  // A WeakRef target lives until the end of the job that read it.
  await new Promise((r) => setTimeout(r, 0));
  gc();
  return ref.deref() !== undefined;
}

describe("releasePrismaDebugHistory", () => {
  for (const [name, debug] of [
    ["client", clientDebug],
    ["driver adapter", adapterDebug],
  ] as const)
    it(`lets go of what the ${name}'s debug log kept, which it keeps otherwise`, async () => {
      expect(await retained(debug, false)).toBe(true);
      expect(await retained(debug, true)).toBe(false);
    });
});
