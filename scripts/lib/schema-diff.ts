// Produces migration SQL with Prisma's WebAssembly schema engine, because the native engine the
// Prisma CLI downloads is unreachable on our machines. Node needs --experimental-wasm-modules.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");
export const SCHEMA_PATH = path.resolve(import.meta.dirname, "../../prisma/schema.prisma");

async function listMigrations(baseDir: string) {
  const names = (await readdir(baseDir, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(baseDir, name, "migration.sql");
      return {
        path: path.join(baseDir, name),
        migrationFile: { path: file, content: { tag: "ok" as const, value: await readFile(file, "utf8") } },
      };
    }),
  );
}

/** SQL that takes a database built from the migrations in `migrationsDir` to schema.prisma; "" when they agree. */
export async function diffMigrationsToSchema(
  migrationsDir = MIGRATIONS_DIR,
  schemaPath = SCHEMA_PATH,
): Promise<string> {
  const { SchemaEngine } = await import("@prisma/schema-engine-wasm");
  const schema = await readFile(schemaPath, "utf8");
  const factory = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(new PGlite()));
  const engine = await SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => {}, factory);
  const migrationDirectories = await listMigrations(migrationsDir);
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  const from =
    migrationDirectories.length === 0
      ? { tag: "empty" as const }
      : {
          tag: "migrations" as const,
          baseDir: migrationsDir,
          lockfile: { path: lockPath, content: await readFile(lockPath, "utf8").catch(() => null) },
          shadowDbInitScript: "",
          migrationDirectories,
        };
  try {
    const result = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return isEmptyScript(result.stdout ?? "") ? "" : (result.stdout ?? "");
  } finally {
    engine.free();
  }
}

/** The engine answers "-- This is an empty migration." when nothing differs. */
function isEmptyScript(sql: string): boolean {
  return sql.split("\n").every((line) => line.trim() === "" || line.trim().startsWith("--"));
}
