-- Whether a course's test shows its right answers after a pass (yes when empty). After a failed
-- attempt the paper says which answers were wrong, never which were right, so a retake is a test.
ALTER TABLE courses ADD COLUMN show_answers TEXT;
