-- Consolidation: the national charts' mapping (kept in step with countries/charts at start-up),
-- the listed account each trial-balance line extends, stored runs, finance's journals, and the
-- lock of a consolidated period.

alter table tb_line add column chart_account text;

create table chart_mapping (
    entity_code text not null references entity (code),
    account_code text not null,
    line_code text,
    intra_network boolean not null,
    investment boolean not null,
    primary key (entity_code, account_code)
);

create table consolidation_run (
    id bigint generated always as identity primary key,
    period text not null,
    scope text[] not null,
    run_by bigint not null references app_user (id),
    run_at timestamptz not null default clock_timestamp(),
    digest bytea not null,
    inputs jsonb not null,
    result jsonb not null
);
create index consolidation_run_by_period on consolidation_run (period, id);

create table journal (
    id bigint generated always as identity primary key,
    period text not null,
    reason text not null check (length(trim(reason)) > 0),
    author_id bigint not null references app_user (id),
    created_at timestamptz not null default clock_timestamp(),
    reverses bigint unique references journal (id)
);

create table journal_line (
    journal_id bigint not null references journal (id),
    position integer not null,
    line_code text not null,
    entity_code text references entity (code),
    amount numeric not null,
    primary key (journal_id, position)
);

create table consolidation_lock_event (
    id bigint generated always as identity primary key,
    period text not null,
    locked boolean not null,
    actor_id bigint not null references app_user (id),
    at timestamptz not null default clock_timestamp(),
    reason text
);

create trigger consolidation_run_is_append_only before update or delete on consolidation_run
    for each row execute function refuse_change_of_reported_figures();
create trigger journal_is_append_only before update or delete on journal
    for each row execute function refuse_change_of_reported_figures();
create trigger journal_line_is_append_only before update or delete on journal_line
    for each row execute function refuse_change_of_reported_figures();
create trigger consolidation_lock_event_is_append_only
    before update or delete on consolidation_lock_event
    for each row execute function refuse_change_of_reported_figures();
