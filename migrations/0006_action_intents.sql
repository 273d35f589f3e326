CREATE TABLE `action_intents` (
	`plan_id` text NOT NULL,
	`idx` integer NOT NULL,
	`action_type` text NOT NULL,
	`risk` text NOT NULL,
	`started_ts` real NOT NULL,
	PRIMARY KEY(`plan_id`, `idx`)
);
