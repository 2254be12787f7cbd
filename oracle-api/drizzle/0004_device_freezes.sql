CREATE TABLE "frozen_devices" (
	"window_start" bigint NOT NULL,
	"device_id" text NOT NULL,
	"seq" integer NOT NULL,
	"reason" integer NOT NULL,
	"challenger" text NOT NULL,
	"evidence" text NOT NULL,
	"frozen_at" bigint NOT NULL,
	"tx_hash" text NOT NULL,
	"corrected_leaf" text,
	"corrected_cid_digest" text,
	"corrected_at" bigint,
	"correction_tx_hash" text,
	CONSTRAINT "frozen_devices_window_start_device_id_seq_pk" PRIMARY KEY("window_start","device_id","seq")
);
--> statement-breakpoint
ALTER TABLE "windows" ALTER COLUMN "device_count" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "windows" ALTER COLUMN "reading_count" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "windows" ADD COLUMN "committed_at" bigint;