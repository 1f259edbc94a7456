-- Every instance caches API key lookups (src/access/api-keys.service.ts). A key revoked, deleted
-- or changed (role, units, secret) is announced on channel dm_api_keys with its id as payload;
-- PostgreSQL delivers it when the transaction commits, and never if it rolls back, to every
-- session that LISTENs (src/access/key-revocations.ts), whichever path made the change.
CREATE FUNCTION "api_key_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('dm_api_keys', OLD.id);
  RETURN NULL;
END
$$;

-- Only real changes: the bootstrap admin's upsert at every start rewrites the same values.
CREATE TRIGGER "api_key_changed_update" AFTER UPDATE ON "api_key"
  FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION "api_key_changed"();

CREATE TRIGGER "api_key_changed_delete" AFTER DELETE ON "api_key"
  FOR EACH ROW EXECUTE FUNCTION "api_key_changed"();
