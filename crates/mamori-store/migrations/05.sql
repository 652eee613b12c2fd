
ALTER TABLE assets ADD COLUMN business TEXT;
ALTER TABLE assets ADD COLUMN users TEXT;
ALTER TABLE assets ADD COLUMN importance BIGINT;
ALTER TABLE assets ADD COLUMN personal_data TEXT;
ALTER TABLE assets ADD COLUMN sensitive_data TEXT;
ALTER TABLE assets ADD COLUMN my_number TEXT;
ALTER TABLE assets ADD COLUMN medium TEXT;
ALTER TABLE assets ADD COLUMN retention TEXT;
