-- Why: a statement's lines say which units it speaks for and what it states, and national answers
-- (and the reads kept per version for them, src/rules/answer-cache.ts) hold until the version
-- moves. Lines come with their statement, in its transaction, which bumps the version; a line added
-- later, by SQL, must bump it too.
CREATE TRIGGER "treasury_statement_line_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "treasury_statement_line"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_version_bump"();
