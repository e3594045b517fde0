-- One convention for a due day (整改期限): it is stored as the instant it ends, the next
-- midnight China time, as hazard deadlines always were. Enforcement deadlines (责令整改,
-- 责令停产整改) were stored as the midnight that starts their day: each one at a China
-- midnight moves to the end of its day.
-- Escalation notices wrote their deadline as "2027-02-01 00:00" (the instant); they now
-- name the day due, "2027-01-31".

-- +goose Up
UPDATE enforcement_actions
SET deadline = deadline + INTERVAL '1 day'
WHERE deadline IS NOT NULL AND (deadline AT TIME ZONE INTERVAL '+08:00')::time = '00:00';

UPDATE notifications
SET args = jsonb_set(args::jsonb, '{deadline}', to_jsonb(
    CASE WHEN args::jsonb ->> 'deadline' LIKE '% 00:00'
         THEN to_char(substr(args::jsonb ->> 'deadline', 1, 10)::date - 1, 'YYYY-MM-DD')
         ELSE substr(args::jsonb ->> 'deadline', 1, 10) END))::text
WHERE message_key IN ('hazard.notice.reminder', 'hazard.notice.overdue', 'hazard.notice.leader')
  AND args::jsonb ->> 'deadline' LIKE '____-__-__ __:__';

-- +goose Down
UPDATE enforcement_actions
SET deadline = deadline - INTERVAL '1 day'
WHERE deadline IS NOT NULL AND (deadline AT TIME ZONE INTERVAL '+08:00')::time = '00:00';
