-- hand-written (issue 14, search): the trigram index leads with the ward. A ward's search (a ward officer, or the
-- ward filter) then reads only that ward's entries of each trigram instead of the whole district's, and rechecks
-- only that ward's candidates: on the demo district (PGlite) 6–15 ms → 1–1.5 ms for "tran thi lan", "vo minh", …
-- A multicolumn GIN index serves a condition on any of its columns as well as a one-column index would (PostgreSQL
-- manual, "Multicolumn Indexes"), so the district-wide search keeps using it and the old index goes.
-- btree_gin gives GIN its `=` on text; like pg_trgm it is a trusted extension on PostgreSQL ≥ 13 (the database owner
-- may create it) and PGlite loads it from @electric-sql/pglite/contrib (server/db/client.ts).
CREATE EXTENSION IF NOT EXISTS btree_gin;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "households_ward_search_trgm_idx" ON "households" USING gin ("ward_code", "search_text" gin_trgm_ops);
--> statement-breakpoint
DROP INDEX IF EXISTS "households_search_trgm_idx";
