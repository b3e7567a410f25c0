CREATE TABLE "duplicate_resolutions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"household_a" uuid NOT NULL,
	"household_b" uuid NOT NULL,
	"resolution" text NOT NULL,
	"kept_household_id" uuid,
	"merged_household_id" uuid,
	"note" text DEFAULT '' NOT NULL,
	"resolved_by" text NOT NULL,
	"resolved_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "duplicate_resolutions_order_check" CHECK ("duplicate_resolutions"."household_a" < "duplicate_resolutions"."household_b"),
	CONSTRAINT "duplicate_resolutions_kind_check" CHECK ("duplicate_resolutions"."kind" in ('id','name')),
	CONSTRAINT "duplicate_resolutions_resolution_check" CHECK ("duplicate_resolutions"."resolution" in ('not_duplicate','merged'))
);
--> statement-breakpoint
CREATE TABLE "household_people" (
	"household_id" uuid NOT NULL,
	"id_number" text NOT NULL,
	"role" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "duplicate_resolutions" ADD CONSTRAINT "duplicate_resolutions_household_a_households_id_fk" FOREIGN KEY ("household_a") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_resolutions" ADD CONSTRAINT "duplicate_resolutions_household_b_households_id_fk" FOREIGN KEY ("household_b") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_resolutions" ADD CONSTRAINT "duplicate_resolutions_kept_household_id_households_id_fk" FOREIGN KEY ("kept_household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_resolutions" ADD CONSTRAINT "duplicate_resolutions_merged_household_id_households_id_fk" FOREIGN KEY ("merged_household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "duplicate_resolutions_pair_idx" ON "duplicate_resolutions" USING btree ("kind","household_a","household_b");--> statement-breakpoint
CREATE INDEX "duplicate_resolutions_merged_idx" ON "duplicate_resolutions" USING btree ("merged_household_id");--> statement-breakpoint
CREATE INDEX "household_people_id_number_idx" ON "household_people" USING btree ("id_number");--> statement-breakpoint
CREATE INDEX "household_people_household_idx" ON "household_people" USING btree ("household_id");--> statement-breakpoint
-- hand-written: household_people is kept by the database itself, in the same statement as every households write
-- (API, import, demo load), so no write path can forget it. Inserts: one set-based statement trigger over the new
-- rows (a bulk import inserts 2000 households per statement). Updates: a row trigger that fires only when the ID
-- numbers' columns really changed (mask and version updates touch millions of rows and must not pay for it).
-- The head's own entry in the member list (relation "Chủ hộ", same number) is not stored twice.
CREATE FUNCTION household_people_of_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO household_people (household_id, id_number, role)
  SELECT n.id, n.head_id_number, 'head' FROM new_households n WHERE n.head_id_number IS NOT NULL
  UNION ALL
  SELECT n.id, e->>'idNumber', 'member' FROM new_households n, jsonb_array_elements(n.members) e
  WHERE e->>'idNumber' IS NOT NULL AND e->>'idNumber' IS DISTINCT FROM n.head_id_number;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER households_people_insert AFTER INSERT ON households REFERENCING NEW TABLE AS new_households
  FOR EACH STATEMENT EXECUTE FUNCTION household_people_of_new();
--> statement-breakpoint
CREATE FUNCTION household_people_of_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM household_people WHERE household_id = NEW.id;
  INSERT INTO household_people (household_id, id_number, role)
  SELECT NEW.id, NEW.head_id_number, 'head' WHERE NEW.head_id_number IS NOT NULL
  UNION ALL
  SELECT NEW.id, e->>'idNumber', 'member' FROM jsonb_array_elements(NEW.members) e
  WHERE e->>'idNumber' IS NOT NULL AND e->>'idNumber' IS DISTINCT FROM NEW.head_id_number;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER households_people_update AFTER UPDATE OF head_id_number, members ON households FOR EACH ROW
  WHEN (OLD.head_id_number IS DISTINCT FROM NEW.head_id_number OR OLD.members IS DISTINCT FROM NEW.members)
  EXECUTE FUNCTION household_people_of_changed();
--> statement-breakpoint
INSERT INTO household_people (household_id, id_number, role)
SELECT h.id, h.head_id_number, 'head' FROM households h WHERE h.head_id_number IS NOT NULL
UNION ALL
SELECT h.id, e->>'idNumber', 'member' FROM households h, jsonb_array_elements(h.members) e
WHERE e->>'idNumber' IS NOT NULL AND e->>'idNumber' IS DISTINCT FROM h.head_id_number;
