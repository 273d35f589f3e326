CREATE TABLE `ir_climates` (
	`name` text PRIMARY KEY NOT NULL,
	`blaster` text NOT NULL,
	`code_set` text NOT NULL,
	`state` text NOT NULL,
	`updated_ts` real NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ir_codes` (
	`device` text NOT NULL,
	`command` text NOT NULL,
	`codes` text NOT NULL,
	`source` text NOT NULL,
	`blaster` text,
	`updated_ts` real NOT NULL,
	PRIMARY KEY(`device`, `command`)
);
--> statement-breakpoint
CREATE TABLE `ir_toggles` (
	`device` text NOT NULL,
	`command` text NOT NULL,
	`next` real NOT NULL,
	PRIMARY KEY(`device`, `command`)
);
