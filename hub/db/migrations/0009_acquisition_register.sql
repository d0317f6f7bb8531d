-- The acquisition register: what consolidation needs to know of each subsidiary and associate
-- beyond its trial balance (IFRS 3, IFRS 10, IAS 21), kept by finance. Nothing is edited in
-- place: a corrected acquisition is a newer row for the same subsidiary (the newest is in
-- force, the history stays); an ownership change, an impairment or an opening position entered
-- by mistake is withdrawn with a reason. Every row says who recorded it, when and why.

create table acquisition (
    id bigint generated always as identity primary key,
    subsidiary text not null references entity (code),
    parent text not null references entity (code),
    acquired_on date not null,
    method text not null check (method in ('full', 'equity')),
    share numeric not null check (share > 0 and share <= 1),
    consideration numeric not null check (consideration >= 0),
    consideration_currency char(3) not null check (consideration_currency ~ '^[A-Z]{3}$'),
    -- Units of the subsidiary's currency per group unit on the acquisition date; null: the ECB
    -- rate of that day.
    rate numeric check (rate > 0),
    -- In the subsidiary's currency; null: the NCI at their share of the net assets.
    nci_fair_value numeric check (nci_fair_value >= 0),
    illustrative boolean not null default false,
    reason text not null check (length(trim(reason)) > 0),
    recorded_by bigint not null references app_user (id),
    recorded_at timestamptz not null default clock_timestamp()
);
create index acquisition_by_subsidiary on acquisition (subsidiary, id);

-- The subsidiary's equity at acquisition by group line, and the fair-value adjustments of its
-- assets and liabilities, in its currency, balance terms (debit positive, credit negative).
create table acquisition_line (
    acquisition_id bigint not null references acquisition (id),
    kind text not null check (kind in ('equity', 'fair_value')),
    line_code text not null,
    amount numeric not null check (amount <> 0),
    primary key (acquisition_id, kind, line_code)
);

create table ownership_change (
    id bigint generated always as identity primary key,
    subsidiary text not null references entity (code),
    effective_on date not null,
    share numeric not null check (share > 0 and share <= 1),
    consideration numeric not null,
    consideration_currency char(3) not null check (consideration_currency ~ '^[A-Z]{3}$'),
    reason text not null check (length(trim(reason)) > 0),
    recorded_by bigint not null references app_user (id),
    recorded_at timestamptz not null default clock_timestamp()
);

create table goodwill_impairment (
    id bigint generated always as identity primary key,
    subsidiary text not null references entity (code),
    period text not null,
    amount numeric not null check (amount > 0),  -- the subsidiary's currency
    reason text not null check (length(trim(reason)) > 0),
    recorded_by bigint not null references app_user (id),
    recorded_at timestamptz not null default clock_timestamp()
);

-- An entity's equity at the start of a period as the group's previous accounts carried it: where
-- the translation of its equity starts when the hub has no earlier period to carry it from.
create table opening_position (
    id bigint generated always as identity primary key,
    entity text not null references entity (code),
    period text not null,
    illustrative boolean not null default false,
    reason text not null check (length(trim(reason)) > 0),
    recorded_by bigint not null references app_user (id),
    recorded_at timestamptz not null default clock_timestamp()
);

create table opening_position_line (
    opening_id bigint not null references opening_position (id),
    line_code text not null,
    local_amount numeric not null,       -- the entity's currency, balance terms
    translated_amount numeric not null,  -- group currency, balance terms
    primary key (opening_id, line_code)
);

create table register_withdrawal (
    id bigint generated always as identity primary key,
    kind text not null check (kind in ('ownership_change', 'goodwill_impairment', 'opening_position')),
    entry_id bigint not null,
    reason text not null check (length(trim(reason)) > 0),
    recorded_by bigint not null references app_user (id),
    recorded_at timestamptz not null default clock_timestamp(),
    unique (kind, entry_id)
);

create trigger acquisition_is_append_only before update or delete on acquisition
    for each row execute function refuse_change_of_reported_figures();
create trigger acquisition_line_is_append_only before update or delete on acquisition_line
    for each row execute function refuse_change_of_reported_figures();
create trigger ownership_change_is_append_only before update or delete on ownership_change
    for each row execute function refuse_change_of_reported_figures();
create trigger goodwill_impairment_is_append_only before update or delete on goodwill_impairment
    for each row execute function refuse_change_of_reported_figures();
create trigger opening_position_is_append_only before update or delete on opening_position
    for each row execute function refuse_change_of_reported_figures();
create trigger opening_position_line_is_append_only
    before update or delete on opening_position_line
    for each row execute function refuse_change_of_reported_figures();
create trigger register_withdrawal_is_append_only before update or delete on register_withdrawal
    for each row execute function refuse_change_of_reported_figures();
