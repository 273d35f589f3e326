CREATE TABLE `usage_daily` (
	`day` text NOT NULL,
	`metric` text NOT NULL,
	`label` text NOT NULL,
	`value` real NOT NULL,
	PRIMARY KEY(`day`, `metric`, `label`)
);
