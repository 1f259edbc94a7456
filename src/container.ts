// The composition root: the one place where repositories and services are wired together.
import { createApiKeysRepository } from "./access/api-keys.repository.js";
import { createApiKeysService } from "./access/api-keys.service.js";
import { createCatalogRepository } from "./catalog/catalog.repository.js";
import { createCatalogService } from "./catalog/catalog.service.js";
import type { Database } from "./db/database.js";
import { type LocalDate, todayIn } from "./domain/local-date.js";
import { createLedgerRepository } from "./ledger/ledger.repository.js";
import { createLedgerService } from "./ledger/ledger.service.js";
import { createPlansRepository } from "./plans/plans.repository.js";
import { createPlansService } from "./plans/plans.service.js";
import { createRulesRepository } from "./rules/rules.repository.js";
import { createRulesService } from "./rules/rules.service.js";

export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };

export type ContainerOptions = { maxBatchSize: number; clock?: Clock };

export function createContainer(db: Database, opts: ContainerOptions) {
  const clock = opts.clock ?? systemClock;
  const today = (): LocalDate => todayIn(clock.now());
  const catalogRepo = createCatalogRepository(db.prisma);
  const catalog = createCatalogService({ repo: catalogRepo });
  const apiKeys = createApiKeysService({
    repo: createApiKeysRepository(db.prisma),
    unitsExist: catalogRepo.existingUnitCodes,
  });
  const ledger = createLedgerService({
    repo: createLedgerRepository(db.prisma),
    catalog: catalogRepo,
    today,
  });
  const plans = createPlansService({ repo: createPlansRepository(db.prisma) });
  const rules = createRulesService({ repo: createRulesRepository(db.prisma), plans, units: catalog });
  return { db, clock, today, maxBatchSize: opts.maxBatchSize, catalog, apiKeys, ledger, plans, rules };
}

export type Container = ReturnType<typeof createContainer>;
