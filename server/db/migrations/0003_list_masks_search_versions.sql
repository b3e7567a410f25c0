CREATE TABLE "data_versions" (
	"scope" text PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "assessed_mask" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "city_average_mask" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "households" ADD COLUMN "national_average_mask" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- hand-written: accent-free substring search through trigrams (pg_trgm is a trusted extension on PostgreSQL ≥ 13, so
-- the database owner may create it; PGlite loads it from @electric-sql/pglite/contrib, see server/db/client.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "households_search_trgm_idx" ON "households" USING gin ("search_text" gin_trgm_ops);
--> statement-breakpoint
-- hand-written: fill the new masks from the stored assessments. A round's bit is round − ROUND_MIN (a setting the
-- database does not hold), so ROUND_MIN is read back from the list masks already written with it: the lowest round a
-- household was poor in ↔ the lowest bit of its poor mask; 2015 (the default) when nobody was ever on a list.
WITH base AS (
  SELECT coalesce((
    SELECT min(a.round)::int - round(log(2, (h.city_poor_mask & -h.city_poor_mask)::numeric))::int
    FROM households h JOIN assessments a ON a.household_id = h.id AND a.city_category = 'poor'
    WHERE h.id = (SELECT id FROM households WHERE city_poor_mask <> 0 LIMIT 1)
    GROUP BY h.city_poor_mask
  ), 2015) AS round_min
), masks AS (
  SELECT a.household_id,
         bit_or(1 << (a.round - base.round_min)) AS assessed,
         coalesce(bit_or(1 << (a.round - base.round_min)) FILTER (WHERE a.city_category = 'average'), 0) AS city_average,
         coalesce(bit_or(1 << (a.round - base.round_min)) FILTER (WHERE a.national_category = 'average'), 0) AS national_average
  FROM assessments a CROSS JOIN base
  WHERE a.round >= base.round_min AND a.round <= base.round_min + 30
  GROUP BY a.household_id
)
UPDATE households h SET assessed_mask = m.assessed, city_average_mask = m.city_average, national_average_mask = m.national_average
FROM masks m WHERE h.id = m.household_id;
