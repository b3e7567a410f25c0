CREATE TABLE "household_keys" (
	"household_id" uuid PRIMARY KEY NOT NULL,
	"ward_code" text COLLATE "C" NOT NULL,
	"name_key" text COLLATE "C" NOT NULL,
	"address_key" text COLLATE "C" NOT NULL,
	"head_birth_year" integer
);
--> statement-breakpoint
CREATE INDEX "household_keys_name_birth_year_idx" ON "household_keys" USING btree ("ward_code","name_key","head_birth_year","household_id") WHERE head_birth_year is not null;--> statement-breakpoint
CREATE INDEX "household_keys_name_address_idx" ON "household_keys" USING btree ("name_key","address_key","household_id") WHERE address_key <> '';--> statement-breakpoint
-- hand-written: household_keys is kept by the database itself, like household_people (0004), in the same statement as
-- every households write (API, import, demo load, archive). fold() of server/domain/text.ts in SQL: NFD, combining
-- marks U+0300–U+036F removed, đ/Đ → d, lower case, runs of JS white space (\s) → one space, trimmed. test/api/
-- duplicates-keys.test.ts checks it against fold() on both engines. IMMUTABLE: it depends on its argument alone.
CREATE FUNCTION shn_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN btrim(regexp_replace(lower(translate(regexp_replace(normalize(t, NFD), '[\u0300-\u036f]+', '', 'g'), 'đĐ', 'dD')),
             '[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+', ' ', 'g'), ' ');
--> statement-breakpoint
-- The head's birth year: the member listed as "Chủ hộ" (folded), else the first member (forms list the head first).
-- plpgsql with the usual case first (the first member written "Chủ hộ": then it is the first match), so an import
-- does not run a jsonb_array_elements query per household: measured 13 → 2 µs a household on PGlite. A birth year
-- that is not a plain number counts as unknown: a trigger that raised would refuse the household write.
CREATE FUNCTION shn_head_birth_year(members jsonb) RETURNS integer LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  y text;
BEGIN
  IF jsonb_typeof(members) IS DISTINCT FROM 'array' THEN
    RETURN NULL;
  END IF;
  IF members->0->>'relation' = 'Chủ hộ' THEN
    y := members->0->>'birthYear';
  ELSE
    y := coalesce((SELECT e->>'birthYear' FROM jsonb_array_elements(members) e WHERE shn_fold(e->>'relation') = 'chu ho' LIMIT 1),
                  members->0->>'birthYear');
  END IF;
  RETURN CASE WHEN y ~ '^[0-9]{1,4}$' THEN y::integer END;
END $$;
--> statement-breakpoint
-- Inserts: one set-based statement trigger over the new rows (a bulk import inserts 2000 households per statement).
CREATE FUNCTION household_keys_of_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO household_keys (household_id, ward_code, name_key, address_key, head_birth_year)
  SELECT n.id, n.ward_code, shn_fold(n.head_name), shn_fold(n.address), shn_head_birth_year(n.members)
  FROM new_households n WHERE n.status = 'active';
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER households_keys_insert AFTER INSERT ON households REFERENCING NEW TABLE AS new_households
  FOR EACH STATEMENT EXECUTE FUNCTION household_keys_of_new();
--> statement-breakpoint
-- Updates: a row trigger that fires only when a column the keys come from (or the status: only active households
-- are candidates) really changed; mask and version updates touch every household and never fire it. The keys are
-- computed into variables first: an INSERT … SELECT shn_head_birth_year(…) per row re-plans that SQL function at
-- every row (measured ~4× the cost of the whole trigger).
CREATE FUNCTION household_keys_of_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  nk text;
  ak text;
  yr integer;
BEGIN
  IF NEW.status = 'active' THEN
    nk := shn_fold(NEW.head_name);
    ak := shn_fold(NEW.address);
    yr := shn_head_birth_year(NEW.members);
    INSERT INTO household_keys (household_id, ward_code, name_key, address_key, head_birth_year)
    VALUES (NEW.id, NEW.ward_code, nk, ak, yr)
    ON CONFLICT (household_id) DO UPDATE
      SET ward_code = excluded.ward_code, name_key = excluded.name_key, address_key = excluded.address_key, head_birth_year = excluded.head_birth_year;
  ELSE
    DELETE FROM household_keys WHERE household_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER households_keys_update AFTER UPDATE OF ward_code, head_name, address, members, status ON households FOR EACH ROW
  WHEN (OLD.ward_code IS DISTINCT FROM NEW.ward_code OR OLD.head_name IS DISTINCT FROM NEW.head_name OR OLD.address IS DISTINCT FROM NEW.address
        OR OLD.members IS DISTINCT FROM NEW.members OR OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION household_keys_of_changed();
--> statement-breakpoint
INSERT INTO household_keys (household_id, ward_code, name_key, address_key, head_birth_year)
SELECT h.id, h.ward_code, shn_fold(h.head_name), shn_fold(h.address), shn_head_birth_year(h.members)
FROM households h WHERE h.status = 'active';
--> statement-breakpoint
-- The planner knows nothing of the new table until the next analyze (PGlite never runs one by itself).
ANALYZE household_keys;
