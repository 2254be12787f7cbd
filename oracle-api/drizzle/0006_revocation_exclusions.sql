ALTER TABLE "readings" ADD COLUMN "excluded_reason" text;--> statement-breakpoint
ALTER TABLE "windows" ADD COLUMN "energy_production_wh" numeric(20, 0);--> statement-breakpoint
ALTER TABLE "windows" ADD COLUMN "energy_consumption_wh" numeric(20, 0);--> statement-breakpoint
ALTER TABLE "windows" ADD COLUMN "energy_grid_status_wh" numeric(20, 0);--> statement-breakpoint
ALTER TABLE "windows" ADD COLUMN "production_devices" bigint;--> statement-breakpoint
ALTER TABLE "windows" ADD COLUMN "consumption_devices" bigint;--> statement-breakpoint
ALTER TABLE "windows" ADD COLUMN "grid_status_devices" bigint;--> statement-breakpoint
ALTER TABLE "windows" ADD COLUMN "excluded_reading_count" bigint DEFAULT 0 NOT NULL;