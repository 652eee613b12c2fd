-- SQLite: an FTS5 index with the trigram tokenizer over the entries (Japanese has no spaces
-- between words: any three characters in a row are a term), kept in step by triggers.
CREATE VIRTUAL TABLE search_fts USING fts5(body, content = 'search_entries', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
  INSERT INTO search_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
  INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
  INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO search_fts (rowid, body) VALUES (new.id, new.body);
END;
