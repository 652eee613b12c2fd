-- The annual plan: recurring duties, the tasks they make (completed by recording a register's
-- record), and comments on a task. The organisation's cycles live in its profile.
CREATE TABLE duties (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    cycle TEXT NOT NULL,
    due_month BIGINT,
    due_day BIGINT,
    anchor TEXT,
    days BIGINT,
    owner_role TEXT,
    department_id BIGINT REFERENCES departments(id),
    owner_id BIGINT REFERENCES people(id),
    completed_by TEXT,
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE TABLE tasks (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    duty_id BIGINT REFERENCES duties(id),
    opens_on {{date}},
    due_on {{date}} NOT NULL,
    owner_id BIGINT REFERENCES people(id),
    owner_role TEXT,
    department_id BIGINT REFERENCES departments(id),
    completed_by TEXT,
    task_status TEXT NOT NULL,
    done_on {{date}},
    done_record TEXT,
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
-- A record completes the earliest open task its register completes.
CREATE INDEX tasks_open ON tasks (org_id, completed_by, task_status, due_on);
CREATE INDEX tasks_owner ON tasks (owner_id, task_status, due_on);
CREATE INDEX tasks_duty ON tasks (duty_id, due_on);
CREATE TABLE task_comments (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    author_id BIGINT REFERENCES people(id),
    commented_on {{date}} NOT NULL,
    body TEXT NOT NULL,
    {{record}}
);
CREATE INDEX task_comments_task ON task_comments (task_id);
