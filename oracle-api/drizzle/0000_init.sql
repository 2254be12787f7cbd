CREATE TABLE "readings" (
	"device_id" text NOT NULL,
	"counter" bigint NOT NULL,
	"timestamp" bigint NOT NULL,
	"window_start" bigint NOT NULL,
	"power_w" bigint NOT NULL,
	"energy_wh" bigint NOT NULL,
	"voltage_mv" bigint NOT NULL,
	"status" smallint NOT NULL,
	"signed" "bytea" NOT NULL,
	"received_at" bigint NOT NULL,
	CONSTRAINT "readings_pk" PRIMARY KEY("device_id","counter")
);
--> statement-breakpoint
CREATE TABLE "windows" (
	"window_start" bigint PRIMARY KEY NOT NULL,
	"window_seconds" integer NOT NULL,
	"cid" text NOT NULL,
	"cid_digest" text NOT NULL,
	"root" text NOT NULL,
	"device_count" integer NOT NULL,
	"reading_count" integer NOT NULL,
	"energy_wh" bigint NOT NULL,
	"sealed_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "readings_window_idx" ON "readings" USING btree ("window_start","device_id","counter");