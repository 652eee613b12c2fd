# Mamori: English

## Shell
nav-skip = Skip to content
nav-label = Main menu
nav-menu = Menu
nav-dashboard = Dashboard
nav-audit = Audit trail
nav-settings = Organization settings
nav-back-home = Back to start
fiscal-year = Fiscal year
switch-language = 日本語
sign-in = Sign in
sign-in-lead = Sign in with your organization account.
sign-out = Sign out
printed-on = Printed on
required = required
group-organization = Organization
group-people = People and training
group-assets = Assets
group-operations = Operations and improvement
group-risk = Risk and controls
group-report = Report
group-system = System

## Roles
role-admin = Administrator
role-isms_manager = ISMS secretariat
role-department_manager = Department information manager
role-staff = Staff
role-auditor = Auditor

## Registers
register-department = Departments
register-person = People
register-appointment = Appointments
department-code = Code
department-name = Name
department-name_en = Name (English)
department-valid_from = Valid from
department-valid_to = Valid to
department-note = Note
person-employee_no = Employee no.
person-name = Name
person-name_kana = Name (kana)
person-email = E-mail
person-employment_type = Employment type
person-department = Department
person-joined_on = Joined on
person-left_on = Left on
employment_type-officer = Officer
employment_type-employee = Employee
employment_type-temporary = Temporary
employment_type-dispatched = Dispatched
employment_type-contractor = On-site contractor
appointment-person = Person
appointment-role = Appointment
appointment-department = Department
appointment-starts_on = Term starts
appointment-ends_on = Term ends
appointment-note = Note
role-isms_manager_lead = ISMS manager
role-department_info_manager = Department information manager
role-system_admin = System administrator
role-system_admin_deputy = Deputy system administrator
role-internal_audit_lead = Internal audit lead
role-external_advisor = External advisor

register-pledge = NDAs
register-identity_guarantee = Identity guarantees
register-course = Courses
pledge-person = Person
pledge-signed_on = Signed on
pledge-version = Pledge version
pledge-note = Note
identity_guarantee-person = Person
identity_guarantee-received_on = Received on
identity_guarantee-kept_at = Kept at
identity_guarantee-note = Note
course-code = Code
course-name = Course
course-kind = Kind
course-management_systems = Management systems
course-clauses = Clauses served
course-audience = Audience
course-content = Content
kind-onboarding = Onboarding
kind-periodic = Periodic
kind-remedial = Remedial
kind-mental_health = Mental health
kind-other = Other
audience-everyone = Everyone
audience-new_joiners = New joiners
audience-department = A department
audience-named = Named people
entity-pledge = NDA
entity-identity_guarantee = Identity guarantee
entity-course = Course

register-training_session = Training sessions
register-attendance = Attendance
training_session-code = Session code
training_session-course = Course
training_session-held_on = Held on
training_session-instructor = Instructor
training_session-material = Material
training_session-note = Note
attendance-session = Session
attendance-person = Person
attendance-status = Status
attendance-note = Note
status-attended = Attended
status-absent = Absent
status-excused = Excused
entity-training_session = Training session
entity-attendance = Attendance

completion-title = Training completion
completion-lead = Sessions held, people expected and people who attended, per course, counted from attendance records. Previous year ({ $previous }) in brackets. Click a figure to see the attendance records behind it.
completion-by-department = By department (people's current department)
completion-sessions = Sessions
completion-expected = Expected
completion-attended = Attended
completion-rate = Completion
completion-overall = Completion of onboarding and periodic training

register-external_seminar = External seminars
register-seminar_attendee = Seminar attendees
external_seminar-code = Seminar code
external_seminar-title = Title
external_seminar-organiser = Organiser
external_seminar-held_on = Held on
external_seminar-security = Security training
external_seminar-note = Note
security-yes = Yes
security-no = No
seminar_attendee-seminar = Seminar
seminar_attendee-person = Person
seminar_attendee-note = Note
entity-external_seminar = External seminar
entity-seminar_attendee = Seminar attendee

chart-title = Organization chart
chart-on = as of { $on }
chart-lead = The information security organization, drawn from the appointment records. Choose a fiscal year to see it at that year's end (today for the current year).

## Areas not built yet
area-assets = Information assets
area-assets-items = The asset register and handlers, handling records and disposal, devices and cables, customer keys and their inspections.
area-improvement = Incidents and corrections
area-improvement-items = Security incidents and near misses, corrective actions, audits and findings, complaints.
area-governance = Policy and meetings
area-governance-items = Security objectives, requirements and law changes, meetings and minutes, bulletin notices, management reviews, certification.
area-risk = Risk and controls
area-risk-items = The risk register and treatments, Annex A and the statement of applicability, internal rules, continuity drills, facility assessments, the self-assessment.
area-report = Information security report
area-report-items = The yearly information security report made from the records (HTML, PDF, DOCX), with the records behind every figure.
area-not-built = This area is not built yet (planned in issue #{ $issue }).

## Dashboard
dashboard-period = Period: { $period }
dashboard-people = People on record
dashboard-joined = Joined in the fiscal year
dashboard-departments = Departments
dashboard-appointments-started = Appointments started in the fiscal year
dashboard-no-pledge = People without an NDA on file
dashboard-guarantee-limit = Identity guarantees near or past the five-year limit
dashboard-note = Click a figure to see the records behind it.

## Lists
list-count = { $total } records (showing { $from }–{ $to })
list-empty = No records match.
filter-search = Search
filter-from = from
filter-to = to
filter-any = Any
filter-lacks = Lacking
lacks-pledges = No NDA on file
lacks-identity-guarantees = No identity guarantee on file
filter-status = Status
status-active = Active
status-withdrawn = Withdrawn
status-all = All
pager-label = Pages
pager-prev = ← Previous
pager-next = Next →
pager-page = Page { $page } of { $pages }

## Actions
action-apply = Apply
action-new = New
action-import = Import
action-export-xlsx = Export Excel
action-export-csv = Export CSV
action-print = Print
action-filter = Filter
action-clear = Clear filters
action-save = Save
action-cancel = Cancel
action-edit = Edit
action-withdraw = Withdraw
action-reinstate = Undo withdrawal
action-create = Created
action-update = Edited
action-sign-in = Signed in
action-sign-in-failed = Sign-in failed
action-locked = Account locked
action-set-password = Password set
action-disable = Disabled
action-enable = Enabled
action-preferences = Preferences changed
action-revoke = Revoked

## Forms and records
form-new-title = New: { $register }
form-edit-title = Edit { $record }
form-has-errors = Please check the highlighted fields.
date-placeholder = e.g. 2017-04-01
ref-key-hint = There are too many to list: type the code (employee number, …).
date-hint = Western (2017-04-01, 2017/4/1) or Japanese era (平成29年4月1日, H29.4.1) dates; full-width digits are accepted.
record-withdrawn = This record was withdrawn on { $at }. Reason: { $reason }
withdraw-hint = The record is not deleted: it stays, with the reason for its withdrawal.
related-count = { $total }
history = History
history-at = When
history-actor = Who
history-action = What
history-changes = Changes

## Import
import-title = Import { $register }
import-lead = Choose an Excel (.xlsx) or CSV (UTF-8) file whose first row holds the headings. If any row is wrong, nothing is imported and every error is listed by row and column.
import-columns = Headings
import-file = File
import-done = Imported { $count } records.
import-back = Back to the list
import-failed = Nothing was imported: the file has { $count } errors.
import-row-heading = Row
import-column = Column
import-reason = Reason
import-row = Row { $row }: { $message }

nav-organizations = Switch organization
nav-members = Members
members-count = { $total } members
members-lead = Who may sign in to this organization, with which role and until when. Administrators add and disable members here (or with the mamori user command).
members-add = Add a member
members-add-hint = For an e-mail address already registered, only the membership is added; password and display name are not used. Auditors need an end date.
members-disable = Disable
members-enable = Enable
member-email = E-mail
member-display_name = Display name
member-password = Initial password
member-role = Role
member-department = Department (department managers)
member-person = Employee no.
member-valid_until = Until
error-own-account = You cannot disable your own account.
members-role = Role
members-valid-until = Until
members-state = State
members-active = Active
members-disabled = Disabled

## Audit trail
audit-intact = The audit trail's hash chain is intact ({ $rows } entries verified).
audit-broken = The audit trail's hash chain breaks at entry { $row }: it may have been tampered with.
audit-count = { $total } entries
audit-entity = Record
audit-hash = Hash
entity-user = User
entity-api_token = API token
entity-organization = Organization
entity-membership = Membership
entity-department = Department
entity-person = Person
entity-appointment = Appointment

## Settings
settings-profile = Organization profile
settings-name = Name
settings-fiscal-year = Fiscal year
settings-fiscal-year-start = First month of the fiscal year
month = { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
}
profile-postal_code = Postal code
profile-address = Address
profile-phone = Phone
profile-contacts = Responsible persons
profile-management_systems = Management systems
profile-certification_scope = Certification scope

## Account
account-title = Account
account-preferences = Preferences
account-language = Language
account-date-style = Date format
account-memberships = Organizations
account-password = Password
account-tokens = API tokens
token-created = Token created. It is shown only once: copy it now.
token-name = Name
token-created-on = Created
token-state = State
token-revoked = Revoked
token-revoke = Revoke
token-create = Create token
password-change = Change password
password-expired-lead = Your password has expired. Set a new one to continue.
password-policy-hint = At least 10 characters; common passwords are refused.
field-email = E-mail
field-password = Password
field-current_password = Current password
field-new_password = New password
field-password_confirm = New password (again)
field-reason = Reason
field-name = Name
field-display_name = Display name
field-date_style = Date format
field-lang = Language
field-q = Search
field-status = Status
field-fy = Fiscal year
field-fiscal_year_start_month = First month of the fiscal year
field-department = Department
field-person = Employee no.
field-role = Role
field-valid_until = Until
field-limit = Limit

## Errors
status-400 = Bad request
status-401 = Sign-in required
status-403 = Not allowed
status-404 = Not found
status-405 = Not allowed here
status-409 = Cannot be done
status-413 = Too large
status-422 = Invalid input
status-500 = System error
error-home = Back to start
error-sign-in-required = Please sign in.
error-forbidden = You are not allowed to do this.
error-not-found = The page or record you asked for does not exist.
error-invalid = Some of the input is invalid.
error-import-rows = The file has errors, so nothing was imported.
error-internal = A system error occurred. Please tell your administrator.
error-csrf = This page has expired. Open it again and retry.
error-bad-credentials = Wrong e-mail address or password.
error-locked = Too many failed sign-ins: the account is locked for a while. Try again later.
error-password-expired = Your password has expired. Please set a new one.
error-record-withdrawn = This record has been withdrawn and cannot be changed.
error-record-not-withdrawn = This record is not withdrawn.
error-database-not-empty = The database is not empty. Use an empty database.
error-backup-format = This is not a Mamori backup file.
error-backup-schema-version = The backup's schema version does not match this Mamori.
error-file-unreadable = The file could not be read. Choose an Excel (.xlsx) or UTF-8 CSV file.
error-file-missing = Please choose a file.
error-method-not-allowed = This method is not allowed here.
error-too-large = The request is too large.
error-bad-request = The request is malformed.
error-bad-json = The body is not a JSON object.
error-field-required = { $field } is required.
error-field-too-long = { $field } must be at most { $detail } characters.
error-field-invalid-date = { $field } is not a date (e.g. 2017-04-01 or 平成29年4月1日).
error-field-invalid-choice = { $field } must be one of the choices.
error-field-invalid-email = { $field } must be an e-mail address.
error-field-unknown-ref = { $field } "{ $detail }" does not exist.
error-field-duplicate = { $field } "{ $detail }" is already registered.
error-field-duplicate-combination = This { $field } and { $detail } are already registered together.
error-field-not-before = { $field } cannot be before { $detail }.
error-field-unknown-field = There is no field "{ $field }".
error-field-unknown-column = The heading "{ $field }" is not a known column.
error-field-duplicate-column = The heading "{ $field }" appears twice.
error-field-missing-column = The required column "{ $field }" is missing.
error-field-no-rows = There are no rows to import.
error-field-control-characters = { $field } contains control characters.
error-field-forbidden = You may not register this row.
error-field-database = Database error: { $detail }
error-field-invalid = { $field } is invalid.
error-field-invalid-type = { $field } must be a string or null.
error-field-repeated-parameter = { $field } is given twice.
error-field-invalid-number = { $field } must be a whole number.
error-field-out-of-range = { $field } must be between 1 and { $detail }.
error-field-unknown-filter = Cannot filter by "{ $field }".
error-field-password-too-short = The password must be at least { $detail } characters.
error-field-password-common = This password is too common.
error-field-password-wrong = The current password is wrong.
error-field-password-unchanged = The new password must differ from the current one.
error-field-password-mismatch = The two new passwords differ.
error-field-invalid-slug = The organization identifier must be 2–40 lower-case letters, digits or hyphens.
error-field-auditor-needs-end-date = An auditor's membership needs an end date.

## Comprehension tests, eligibility, My page
course-pass_mark = Pass mark (%)
course-test_minutes = Time limit (minutes)
course-questions = This course's test questions
register-test_question = Test questions
entity-test_question = Test question
test_question-code = Question code
test_question-course = Course
test_question-kind = Format
test_question-text = Question
test_question-choices = Choices (one per line)
test_question-answer = Answer (numbers; "1,3" for multiple choice; true / false)
test_question-explanation = Explanation
kind-single = Single choice
kind-multiple = Multiple choice
kind-true_false = True or false
register-test_attempt = Test attempts
entity-test_attempt = Test attempt
test_attempt-course = Course
test_attempt-person = Name
test_attempt-started_on = Taken on
test_attempt-result = Result
test_attempt-score = Score (%)
test_attempt-pass_mark = Pass mark (%)
result-in_progress = In progress
result-passed = Passed
result-failed = Failed
result-expired = Time ran out
action-submit = Answers submitted
action-expire = Time ran out
error-field-int-range = { $field } must be a whole number in { $detail }.
error-field-invalid-answer = The answer does not fit the question's format ({ $detail }) or its choices.
error-field-choice-count = Enter { $detail } choices, one per line.
error-field-no-choices-for-true-false = A true-or-false question has no choices.
error-field-answer-out-of-range = The answer to question { $detail } is not one of its choices.
error-field-unanswered = Answer question { $detail }.
error-field-one-answer = Choose only one answer for question { $detail }.
error-field-unknown-question = An answer to a question not on this paper ({ $detail }).
error-no-person = This account is not linked to a person in the register, so it cannot take tests. Ask the ISMS secretariat.
error-no-questions = This course has no test questions.
error-attempt-closed = This attempt has already been submitted. Take the test again from My page.
error-attempt-expired = The time limit has passed, so this attempt cannot be submitted. Take the test again from My page.
error-not-eligible = This person may not handle information assets yet (NDA, onboarding course and a passed test are needed).
answer-true = True
answer-false = False
group-mine = Mine
me-title = My page
me-no-person = This account is not linked to a person in the register. Ask the ISMS secretariat.
me-due = To do
me-upcoming = Expected at: { $record }
me-nothing-due = Nothing to do now.
me-tests = Comprehension tests
me-test-due = Not passed
me-test-facts = { $count } questions · pass mark { $total }% · { $period } minutes
me-test-passed = Passed on { $on }
me-test-not-passed = { $count } attempts, not passed
me-test-take = Take the test
me-test-retake = Take it again
me-test-resume = Continue
me-history = Training history
eligibility-title = Eligibility to handle information assets
eligibility-yes = May handle information assets.
eligibility-no = May not handle information assets yet. Still needed:
eligibility-pledge = NDA signed
eligibility-onboarding = Onboarding course attended
eligibility-test = Onboarding comprehension test passed
checklist-missing = missing
paper-title = Comprehension test
paper-deadline = Submit by { $at } (about { $count } minutes left). The pass mark is { $total }%. Answer every question.
paper-score = { $count }% (pass mark { $total }%, { $record } correct)
paper-question = Question { $count }
paper-right-answer = (correct)
paper-submit = Submit answers
leaving-title = Leaving checklist
leaving-left-on = Left on { $on }
leaving-not-left = Still here (enter the leaving date to start leaving)
leaving-accounts = Disable the sign-in accounts
leaving-no-accounts = no linked account
leaving-pledge = Keep the NDA on file
leaving-assets = Lent information assets and keys returned (see the asset register)
person-export-attempts-xlsx = Test results to Excel
person-export-attempts-csv = Test results to CSV
attempt-open-paper = Open the paper
