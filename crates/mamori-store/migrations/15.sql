
ALTER TABLE objectives ADD COLUMN comparison TEXT;
ALTER TABLE objectives ADD COLUMN aggregation TEXT;
ALTER TABLE objectives ADD COLUMN result TEXT;
