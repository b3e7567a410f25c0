-- hand-written: the assessments → households foreign key may be checked at COMMIT instead of per statement, when a
-- transaction asks for it (SET CONSTRAINTS … DEFERRED). Every other write still checks it at once (INITIALLY
-- IMMEDIATE). An import commit inserts a new household's assessments first and the household after them, with the
-- list masks its assessments give it: rewriting 100k just-inserted households for their masks cost a fifth of the
-- commit (issue 14). Drizzle's schema has no word for DEFERRABLE; drizzle-kit sees no drift.
ALTER TABLE "assessments" ALTER CONSTRAINT "assessments_household_id_households_id_fk" DEFERRABLE INITIALLY IMMEDIATE;
