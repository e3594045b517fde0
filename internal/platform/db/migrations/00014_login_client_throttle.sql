-- login_client_throttle counts failed sign-ins per client (an IPv4 address or an IPv6
-- /64, as httpx resolves it behind trusted proxies) in fixed windows: one row per client
-- and window, one upsert per failure. A client over its budget is refused before any
-- password is checked, and its refused attempts do not count against the account, so one
-- client cannot lock an account (auth.Service.Login). Old windows are swept by a job.
-- The index on login_throttle lets the same job sweep stale per-username counts, which
-- unknown names would otherwise leave behind for ever.

-- +goose Up
CREATE TABLE login_client_throttle (
    client_key   TEXT NOT NULL,
    window_start {{time}} NOT NULL,
    failures     INTEGER NOT NULL,
    PRIMARY KEY (client_key, window_start)
);
CREATE INDEX login_client_throttle_window ON login_client_throttle (window_start);
CREATE INDEX login_throttle_last_failure ON login_throttle (last_failure_at);

-- +goose Down
DROP INDEX login_throttle_last_failure;
DROP TABLE login_client_throttle;
