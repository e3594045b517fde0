-- One convention for a due day (整改期限): it is stored as the instant it ends, the next
-- midnight China time, as hazard deadlines always were. Enforcement deadlines (责令整改,
-- 责令停产整改) were stored as the midnight that starts their day: each one at a China
-- +sqlite
-- midnight (16:00 UTC) moves to the end of its day. Times are UTC text, as the driver
-- writes them ("2027-01-30 16:00:00+00:00").
-- +postgres
-- midnight moves to the end of its day.
-- +end
-- Escalation notices wrote their deadline as "2027-02-01 00:00" (the instant); they now
-- name the day due, "2027-01-31".

-- +goose Up
UPDATE enforcement_actions
-- +sqlite
SET deadline = strftime('%Y-%m-%d %H:%M:%S', deadline, '+1 day') || '+00:00'
WHERE deadline IS NOT NULL AND strftime('%H:%M:%f', deadline) = '16:00:00.000';
-- +postgres
SET deadline = deadline + INTERVAL '1 day'
WHERE deadline IS NOT NULL AND (deadline AT TIME ZONE INTERVAL '+08:00')::time = '00:00';
-- +end

UPDATE notifications
-- +sqlite
SET args = json_set(args, '$.deadline',
    CASE WHEN json_extract(args, '$.deadline') LIKE '% 00:00'
         THEN date(substr(json_extract(args, '$.deadline'), 1, 10), '-1 day')
         ELSE substr(json_extract(args, '$.deadline'), 1, 10) END)
-- +postgres
SET args = jsonb_set(args::jsonb, '{deadline}', to_jsonb(
    CASE WHEN args::jsonb ->> 'deadline' LIKE '% 00:00'
         THEN to_char(substr(args::jsonb ->> 'deadline', 1, 10)::date - 1, 'YYYY-MM-DD')
         ELSE substr(args::jsonb ->> 'deadline', 1, 10) END))::text
-- +end
WHERE message_key IN ('hazard.notice.reminder', 'hazard.notice.overdue', 'hazard.notice.leader')
-- +sqlite
  AND json_extract(args, '$.deadline') LIKE '____-__-__ __:__';
-- +postgres
  AND args::jsonb ->> 'deadline' LIKE '____-__-__ __:__';
-- +end

-- +goose Down
UPDATE enforcement_actions
-- +sqlite
SET deadline = strftime('%Y-%m-%d %H:%M:%S', deadline, '-1 day') || '+00:00'
WHERE deadline IS NOT NULL AND strftime('%H:%M:%f', deadline) = '16:00:00.000';
-- +postgres
SET deadline = deadline - INTERVAL '1 day'
WHERE deadline IS NOT NULL AND (deadline AT TIME ZONE INTERVAL '+08:00')::time = '00:00';
-- +end
