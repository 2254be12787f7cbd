ALTER TABLE "windows" ADD COLUMN "frozen_at" bigint;--> statement-breakpoint
ALTER TABLE "windows" ADD COLUMN "frozen_reason" integer;