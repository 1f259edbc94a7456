// PGlite's defaults, apart from src/db/database.ts so that src/config.ts can name them without
// loading pg, PGlite or Prisma.

/**
 * PGlite touches all of its shared_buffers at start and its WebAssembly memory never shrinks:
 * Postgres' default 128MB kept the service above 400 MB resident. 16MB holds a province's ledger
 * many times over, and scanned a national one (1,000,000 entries) and sent 10,000 alerts about as
 * fast as 128MB did (bench/RESULTS.md, part 4). PGLITE_SHARED_BUFFERS changes it.
 */
export const DEFAULT_PGLITE_SHARED_BUFFERS = "16MB";
