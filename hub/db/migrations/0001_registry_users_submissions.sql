-- The network registry (kept in step with config/network.toml at start-up), the users and
-- their tokens, and the append-only store of reported figures.

create table entity (
    code text primary key check (code ~ '^[A-Z]{2}$'),
    name text not null,
    currency char(3) not null check (currency ~ '^[A-Z]{3}$')
);

create table kpi (
    code text primary key,
    unit text not null
);

create table app_user (
    id bigint generated always as identity primary key,
    name text not null unique,
    role text not null check (role in ('board', 'national', 'finance', 'admin')),
    entity_code text references entity (code),
    token_sha256 bytea not null unique,
    created_at timestamptz not null default now(),
    constraint national_users_have_one_entity check ((role = 'national') = (entity_code is not null))
);

-- One row per (entity, period, dataset): the head of its chain of versions.
create table report (
    entity_code text not null references entity (code),
    period text not null,
    dataset text not null,
    period_start date not null,
    period_end date not null,
    latest_version integer not null check (latest_version >= 1),
    primary key (entity_code, period, dataset),
    check (period_start <= period_end)
);

create table submission (
    id bigint generated always as identity primary key,
    entity_code text not null,
    period text not null,
    dataset text not null,
    version integer not null check (version >= 1),
    author_id bigint not null references app_user (id),
    submitted_at timestamptz not null default clock_timestamp(),
    source text not null,
    comment text,
    unique (entity_code, period, dataset, version),
    foreign key (entity_code, period, dataset) references report (entity_code, period, dataset)
);

create table kpi_value (
    submission_id bigint not null references submission (id),
    kpi_code text not null references kpi (code),
    amount numeric not null,
    currency char(3),
    provenance text not null default 'reported'
        check (provenance in ('reported', 'published', 'derived', 'illustrative')),
    note text,
    primary key (submission_id, kpi_code)
);

-- Nothing reported is ever changed or removed: a correction is a new version.
create function refuse_change_of_reported_figures() returns trigger language plpgsql as $$
begin
    raise exception '% of % is not allowed: reported figures are append-only', tg_op, tg_table_name
        using errcode = 'restrict_violation';
end;
$$;

create trigger submission_is_append_only before update or delete on submission
    for each row execute function refuse_change_of_reported_figures();
create trigger kpi_value_is_append_only before update or delete on kpi_value
    for each row execute function refuse_change_of_reported_figures();
