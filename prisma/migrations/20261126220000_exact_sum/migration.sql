-- An exact sum of bigint that stays a bigint. SUM(bigint) returns numeric, whose per-group state
-- is large enough that a grouped pass with a dozen conditional sums no longer fits in work_mem and
-- is sorted and spilled to disk instead of hashed (5x slower over a national ledger). int8pl raises
-- "bigint out of range" rather than wrap, so a total beyond 9.2e18 đồng fails loudly, never silently.
CREATE AGGREGATE "exact_sum"(bigint) (
  SFUNC = int8pl,
  STYPE = bigint,
  COMBINEFUNC = int8pl,
  PARALLEL = SAFE
);
