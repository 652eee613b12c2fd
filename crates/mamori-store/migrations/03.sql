
ALTER TABLE courses ADD COLUMN pass_mark BIGINT;
ALTER TABLE courses ADD COLUMN test_minutes BIGINT;
ALTER TABLE courses ADD COLUMN audience_department_id BIGINT REFERENCES departments(id);
ALTER TABLE courses ADD COLUMN exclude_new_joiners TEXT;
ALTER TABLE attendances ADD COLUMN department_id BIGINT REFERENCES departments(id);
UPDATE attendances SET department_id = (SELECT p.department_id FROM people p WHERE p.id = attendances.person_id);
CREATE TABLE test_questions (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    course_id BIGINT NOT NULL REFERENCES courses(id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    choices TEXT,
    answer TEXT NOT NULL,
    explanation TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX test_questions_org_active ON test_questions (org_id, withdrawn_at);
CREATE INDEX test_questions_course ON test_questions (course_id);
CREATE TABLE test_attempts (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    started_on {{date}} NOT NULL,
    result TEXT NOT NULL,
    score BIGINT,
    pass_mark BIGINT,
    {{record}}
);
CREATE INDEX test_attempts_org_active ON test_attempts (org_id, withdrawn_at);
CREATE INDEX test_attempts_org_started ON test_attempts (org_id, started_on);
CREATE INDEX test_attempts_person ON test_attempts (person_id, course_id);
CREATE INDEX test_attempts_course ON test_attempts (course_id);
CREATE TABLE attempt_papers (
    attempt_id BIGINT PRIMARY KEY REFERENCES test_attempts(id),
    user_id BIGINT REFERENCES users(id),
    started_at {{ts}} NOT NULL,
    deadline_at {{ts}} NOT NULL,
    submitted_at {{ts}},
    paper TEXT NOT NULL,
    answers TEXT,
    correct BIGINT,
    total BIGINT NOT NULL
);
