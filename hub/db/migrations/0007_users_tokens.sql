-- Users and their tokens, hardened: a user may hold several bearer tokens, each with a label, an
-- expiry, a last use and a revocation; a user can be disabled (and enabled again) without losing
-- its tokens; every change to users and tokens is written to an append-only audit.
-- A token is never stored, only its SHA-256. The single token of each user (0001) moves to the
-- new table and expires 90 days after this migration (the shipped default lifetime; a migration
-- cannot read config/auth.toml).

alter table app_user add column disabled_at timestamptz;

create table api_token (
    id bigint generated always as identity primary key,
    user_id bigint not null references app_user (id),
    token_sha256 bytea not null unique check (length(token_sha256) = 32),
    label text not null default '',
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    -- Written at most once a minute per token (config/auth.toml), not on every request.
    last_used_at timestamptz,
    revoked_at timestamptz,
    check (expires_at > created_at),
    check (revoked_at is null or revoked_at >= created_at)
);
create index api_token_of_user on api_token (user_id);

insert into api_token (user_id, token_sha256, label, created_at, expires_at)
select id, token_sha256, 'issued before 0007', created_at, now() + interval '90 days'
from app_user
where length(token_sha256) = 32;

alter table app_user drop column token_sha256;

-- Who did what to whom, and when. `actor_name` is a user's name, or `cli:<os user>` for the
-- command line (`actor_id` null), or `system` for the demo and the migration.
create table user_audit (
    id bigint generated always as identity primary key,
    at timestamptz not null default clock_timestamp(),
    actor_id bigint references app_user (id),
    actor_name text not null,
    action text not null check (action in (
        'create user', 'change role', 'disable user', 'enable user', 'issue token', 'revoke token'
    )),
    user_id bigint not null references app_user (id),
    token_id bigint references api_token (id),
    detail text not null
);
create index user_audit_of_user on user_audit (user_id, at);

insert into user_audit (actor_name, action, user_id, token_id, detail)
select 'system', 'issue token', user_id, id,
       'moved from the user row by migration 0007; expires on '
           || to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD')
from api_token;

create function refuse_change_of_user_audit() returns trigger language plpgsql as $$
begin
    raise exception '% of % is not allowed: the user audit is append-only', tg_op, tg_table_name
        using errcode = 'restrict_violation';
end;
$$;

create trigger user_audit_is_append_only before update or delete on user_audit
    for each row execute function refuse_change_of_user_audit();
create trigger user_audit_is_not_truncated before truncate on user_audit
    for each statement execute function refuse_change_of_user_audit();
