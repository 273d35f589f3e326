CREATE TABLE `flow_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ts` real NOT NULL,
	`user` text NOT NULL,
	`kind` text NOT NULL,
	`restored_from` integer,
	`flows` text NOT NULL,
	`credentials` text,
	`summary` text NOT NULL,
	`rev` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_flow_revisions_ts` ON `flow_revisions` (`ts`);--> statement-breakpoint
CREATE TABLE `nr_credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`credentials` text NOT NULL,
	`updated_ts` real NOT NULL
);
--> statement-breakpoint
CREATE TABLE `nr_flows` (
	`id` text PRIMARY KEY NOT NULL,
	`flows` text NOT NULL,
	`updated_ts` real NOT NULL
);
--> statement-breakpoint
CREATE TABLE `nr_library` (
	`type` text NOT NULL,
	`path` text NOT NULL,
	`meta` text NOT NULL,
	`body` text NOT NULL,
	`updated_ts` real NOT NULL,
	PRIMARY KEY(`type`, `path`)
);
--> statement-breakpoint
CREATE TABLE `nr_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`sessions` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `nr_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
