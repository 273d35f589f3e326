CREATE TABLE `memories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`text` text NOT NULL,
	`subject` text,
	`search_text` text NOT NULL,
	`source` text DEFAULT '' NOT NULL,
	`user` text,
	`trusted` integer DEFAULT true NOT NULL,
	`created_ts` real NOT NULL,
	`embedding` blob,
	`embedding_model` text
);
--> statement-breakpoint
CREATE INDEX `idx_memories_created_ts` ON `memories` (`created_ts`);--> statement-breakpoint
CREATE INDEX `idx_memories_subject` ON `memories` (`subject`);