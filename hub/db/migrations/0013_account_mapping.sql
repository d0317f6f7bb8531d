-- Each entity's national accounts -> group lines, kept by finance in the database (seeded from
-- countries/charts/<cc>.toml when an entity has no rule yet). A rule covers one account, a range
-- of account prefixes (first..last; a prefix is first = last) or an account format of the chart
-- (seeded only: DATEV's debtor and creditor accounts). Nothing is edited in place: a change is
-- a new row for the same accounts, effective from a period; for a period, the rule in force is
-- the newest row whose start is on or before the period's start. Every row says who made it
-- (none: seeded from the chart file), when and why.
-- `chart_mapping`, the start-up copy of the chart files, is dropped: the rules replace it.

create table account_mapping (
    id bigint generated always as identity primary key,
    entity_code text not null references entity (code),
    kind text not null check (kind in ('account', 'range', 'format')),
    first_account text not null check (length(first_account) > 0),
    last_account text not null check (length(last_account) > 0),
    -- null: the accounts are left out of the statements on purpose (the reason says why).
    line_code text,
    intra_network boolean not null default false,
    investment boolean not null default false,
    -- The period it applies from (null: from the start, a seeded rule) and that period's first
    -- day, which orders the rules.
    effective_from text,
    starts_on date not null,
    reason text not null check (length(trim(reason)) > 0),
    recorded_by bigint references app_user (id),
    recorded_at timestamptz not null default clock_timestamp(),
    check (kind <> 'account' or first_account = last_account),
    check ((effective_from is null) = (recorded_by is null))
);
create index account_mapping_by_entity
    on account_mapping (entity_code, kind, first_account, last_account, starts_on, id);

create trigger account_mapping_is_append_only before update or delete on account_mapping
    for each row execute function refuse_change_of_reported_figures();

drop table chart_mapping;
