-- Signing in with a password, for people in a browser (bearer tokens stay for API clients).
-- A password is stored only as its argon2id hash. Repeated failures lock the user out for a
-- while (config/auth.toml); `password_changed_at` ends the sessions opened before a new password.
alter table app_user
    add column password_hash text,
    add column password_changed_at timestamptz,
    add column failed_sign_ins integer not null default 0 check (failed_sign_ins >= 0),
    add column locked_until timestamptz,
    add column last_sign_in_at timestamptz;

-- The server-side sessions of Litestar's session middleware (hub/web/session_store.py): shared
-- by every process of the hub and kept across restarts. A row whose `expires_at` has passed is
-- dead: it is never read, and is removed.
create table web_session (
    key text primary key,
    value bytea not null,
    expires_at timestamptz
);
create index web_session_expiry on web_session (expires_at);

-- Secrets every process of the hub must share (the key that signs CSRF tokens), made by the first
-- process that needs one.
create table web_secret (
    name text primary key,
    value text not null
);

alter table user_audit drop constraint user_audit_action_check;
alter table user_audit add constraint user_audit_action_check check (action in (
    'create user', 'change role', 'disable user', 'enable user', 'issue token', 'revoke token',
    'set password'
));
