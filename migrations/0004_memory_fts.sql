-- Full-text index over memories (BM25 via bm25()). External content: the text lives once, in `memories`;
-- the triggers keep the index in step. `search_text` is already folded by MemoryStore (CJK split per character),
-- porter stems English words.
CREATE VIRTUAL TABLE `memories_fts` USING fts5(
	search_text,
	content='memories',
	content_rowid='id',
	tokenize='porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `memories_fts_ai` AFTER INSERT ON `memories` BEGIN
	INSERT INTO `memories_fts`(rowid, search_text) VALUES (new.id, new.search_text);
END;
--> statement-breakpoint
CREATE TRIGGER `memories_fts_ad` AFTER DELETE ON `memories` BEGIN
	INSERT INTO `memories_fts`(`memories_fts`, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
--> statement-breakpoint
CREATE TRIGGER `memories_fts_au` AFTER UPDATE OF search_text ON `memories` BEGIN
	INSERT INTO `memories_fts`(`memories_fts`, rowid, search_text) VALUES ('delete', old.id, old.search_text);
	INSERT INTO `memories_fts`(rowid, search_text) VALUES (new.id, new.search_text);
END;
--> statement-breakpoint
-- Memories stored before this migration (none in practice) get indexed too.
INSERT INTO `memories_fts`(`memories_fts`) VALUES ('rebuild');
