CREATE TABLE "import_chunks" (
	"import_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "import_chunks_import_id_kind_seq_pk" PRIMARY KEY("import_id","kind","seq")
);
--> statement-breakpoint
CREATE TABLE "login_counters" (
	"key" text PRIMARY KEY NOT NULL,
	"hits" integer DEFAULT 0 NOT NULL,
	"reset_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "claimed_by" text;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "sheets" jsonb;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "purged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "import_chunks" ADD CONSTRAINT "import_chunks_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "imports_status_idx" ON "imports" USING btree ("status");--> statement-breakpoint
-- hand-written: imports made before this migration kept their files under DATA_DIR/imports (deleted at start by the
-- import worker). Their data is gone: running or uncommitted ones end as expired, every one counts as purged.
UPDATE "imports" SET "status" = 'expired' WHERE "status" IN ('queued', 'parsing', 'validated', 'committing');--> statement-breakpoint
UPDATE "imports" SET "purged_at" = now() WHERE "purged_at" IS NULL;
