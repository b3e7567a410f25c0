CREATE TABLE "ward_rounds" (
	"ward_code" text NOT NULL,
	"round" smallint NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"submitted_by" text,
	"submitted_at" timestamp with time zone,
	"decision_number" text,
	"decision_date" date,
	"decision_signer" text,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"reopened_reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ward_rounds_ward_code_round_pk" PRIMARY KEY("ward_code","round"),
	CONSTRAINT "ward_rounds_status_check" CHECK ("ward_rounds"."status" in ('open','submitted','approved'))
);
--> statement-breakpoint
DROP INDEX "households_city_lists_idx";--> statement-breakpoint
DROP INDEX "households_national_lists_idx";--> statement-breakpoint
ALTER TABLE "assessments" ADD COLUMN "members" jsonb;--> statement-breakpoint
ALTER TABLE "assessments" ADD COLUMN "area" text;--> statement-breakpoint
ALTER TABLE "criteria_sets" ADD COLUMN "derivation" jsonb;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "archived_round" smallint;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "ethnic_group" text DEFAULT 'kinh' NOT NULL;--> statement-breakpoint
ALTER TABLE "wards" ADD COLUMN "area" text DEFAULT 'urban' NOT NULL;--> statement-breakpoint
ALTER TABLE "ward_rounds" ADD CONSTRAINT "ward_rounds_ward_code_wards_code_fk" FOREIGN KEY ("ward_code") REFERENCES "public"."wards"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ward_rounds_round_idx" ON "ward_rounds" USING btree ("round");--> statement-breakpoint
CREATE INDEX "households_city_lists_idx" ON "households" USING btree ("ward_code","city_poor_mask","city_near_poor_mask","assessed_mask","archived_round","ethnic_group") WHERE city_poor_mask <> 0 or city_near_poor_mask <> 0;--> statement-breakpoint
CREATE INDEX "households_national_lists_idx" ON "households" USING btree ("ward_code","national_poor_mask","national_near_poor_mask","assessed_mask","archived_round","ethnic_group") WHERE national_poor_mask <> 0 or national_near_poor_mask <> 0;--> statement-breakpoint
-- hand-written: an assessment keeps the facts it was classified on (issue 12 §1). Assessments made before this
-- change take the household's members and area as they stand now: the best record there is.
UPDATE "assessments" a SET "members" = h."members", "area" = h."area" FROM "households" h WHERE h."id" = a."household_id" AND a."members" IS NULL;
--> statement-breakpoint
-- hand-written: archived households leave the lists in the round after their last review (domain.md §4 "removed").
UPDATE "households" h SET "archived_round" = COALESCE((SELECT max(a."round") + 1 FROM "assessments" a WHERE a."household_id" = h."id"), extract(year FROM h."updated_at")::smallint) WHERE h."status" = 'archived' AND h."archived_round" IS NULL;
--> statement-breakpoint
-- hand-written: communes (xã) are rural units; wards (phường) and townships (thị trấn) urban.
UPDATE "wards" SET "area" = 'rural' WHERE "name" LIKE 'Xã %';
