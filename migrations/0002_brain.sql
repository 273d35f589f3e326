CREATE TABLE `brain_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `goal_steps` (
	`goal_id` text NOT NULL,
	`idx` integer NOT NULL,
	`step` text NOT NULL,
	`status` text NOT NULL,
	`result` text,
	`started_ts` real,
	`finished_ts` real,
	PRIMARY KEY(`goal_id`, `idx`)
);
--> statement-breakpoint
CREATE TABLE `goals` (
	`goal_id` text PRIMARY KEY NOT NULL,
	`text` text NOT NULL,
	`status` text NOT NULL,
	`planner` text DEFAULT '' NOT NULL,
	`current_step` integer DEFAULT 0 NOT NULL,
	`origin` text NOT NULL,
	`event_id` text,
	`error` text,
	`created_ts` real NOT NULL,
	`updated_ts` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_goals_status` ON `goals` (`status`);--> statement-breakpoint
CREATE INDEX `idx_goals_created_ts` ON `goals` (`created_ts`);--> statement-breakpoint
CREATE TABLE `rules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`definition` text NOT NULL,
	`created_ts` real NOT NULL,
	`updated_ts` real NOT NULL,
	`last_run_ts` real,
	`run_count` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `scenes` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`actions` text NOT NULL,
	`preset` integer DEFAULT false NOT NULL,
	`created_ts` real NOT NULL,
	`updated_ts` real NOT NULL
);
