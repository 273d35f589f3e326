CREATE TABLE `confirmations` (
	`id` text PRIMARY KEY NOT NULL,
	`plan_id` text NOT NULL,
	`idx` integer NOT NULL,
	`action_type` text NOT NULL,
	`params` text NOT NULL,
	`origin` text NOT NULL,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`created_ts` real NOT NULL,
	`expires_ts` real NOT NULL,
	`decided_by` text,
	`decided_ts` real
);
--> statement-breakpoint
CREATE INDEX `idx_confirmations_status` ON `confirmations` (`status`,`expires_ts`);--> statement-breakpoint
CREATE TABLE `conversation_turns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` text NOT NULL,
	`turn` text NOT NULL,
	`ts` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_turns_conversation` ON `conversation_turns` (`conversation_id`,`id`);--> statement-breakpoint
CREATE TABLE `events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`ts` real NOT NULL,
	`source` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`severity` integer DEFAULT 0 NOT NULL,
	`correlation_id` text
);
--> statement-breakpoint
CREATE INDEX `idx_events_ts` ON `events` (`ts`);--> statement-breakpoint
CREATE INDEX `idx_events_type_ts` ON `events` (`type`,`ts`);--> statement-breakpoint
CREATE INDEX `idx_events_source_ts` ON `events` (`source`,`ts`);--> statement-breakpoint
CREATE TABLE `kv` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_ts` real NOT NULL
);
--> statement-breakpoint
CREATE TABLE `plans` (
	`plan_id` text PRIMARY KEY NOT NULL,
	`triggered_by_event_id` text,
	`actions` text NOT NULL,
	`policy` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`created_ts` real NOT NULL,
	`source` text DEFAULT '' NOT NULL,
	`trusted` integer DEFAULT false NOT NULL,
	`conversation_id` text
);
--> statement-breakpoint
CREATE INDEX `idx_plans_created_ts` ON `plans` (`created_ts`);--> statement-breakpoint
CREATE INDEX `idx_plans_event` ON `plans` (`triggered_by_event_id`);--> statement-breakpoint
CREATE TABLE `results` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` text NOT NULL,
	`idx` integer DEFAULT 0 NOT NULL,
	`action_type` text NOT NULL,
	`status` text NOT NULL,
	`output` text NOT NULL,
	`ts` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_results_plan` ON `results` (`plan_id`);--> statement-breakpoint
CREATE INDEX `idx_results_ts` ON `results` (`ts`);--> statement-breakpoint
CREATE INDEX `idx_results_status_ts` ON `results` (`status`,`ts`);--> statement-breakpoint
CREATE TABLE `scheduled_tasks` (
	`task_id` text PRIMARY KEY NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`run_at` real NOT NULL,
	`actions` text NOT NULL,
	`origin` text NOT NULL,
	`status` text NOT NULL,
	`created_ts` real NOT NULL,
	`plan_id` text,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `idx_tasks_status_run_at` ON `scheduled_tasks` (`status`,`run_at`);