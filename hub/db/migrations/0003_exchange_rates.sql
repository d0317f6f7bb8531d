-- Exchange rates, in units of the currency per 1 EUR: the ECB's daily reference rates as
-- imported, and the rates consolidation uses. Both append-only: the effective rate of a key
-- (currency, rate_type, period, entity, line_code) is its newest row; the older rows are the
-- audit trail of who changed it, when and why.

create table fx_daily (
    currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
    day date not null,
    -- numeric also holds 'NaN' (greater than every number) and 'Infinity': neither is a rate.
    rate numeric not null check (rate > 0 and rate::text not in ('NaN', 'Infinity')),
    source text not null,
    primary key (currency, day)
);

-- closing, average and opening rates belong to a currency and a period; historical rates to an
-- entity (optionally one group-chart line, and a period).
create table fx_rate (
    id bigint generated always as identity primary key,
    currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
    rate_type text not null check (rate_type in ('closing', 'average', 'opening', 'historical')),
    period text,
    entity text references entity (code),
    line_code text,
    rate numeric not null check (rate > 0 and rate::text not in ('NaN', 'Infinity')),
    source text not null,
    reason text,
    created_by bigint references app_user (id),
    created_at timestamptz not null default clock_timestamp(),
    constraint fx_rate_keyed_by_its_type check (
        case when rate_type = 'historical' then entity is not null
             else period is not null and entity is null and line_code is null end
    )
);

-- The newest row of a key: the look-ups compare the same coalesced expressions.
create index fx_rate_by_key on fx_rate (
    currency, rate_type, coalesce(period, ''), coalesce(entity, ''), coalesce(line_code, ''),
    id desc
);
create index fx_rate_historical_by_entity on fx_rate (entity, id) where entity is not null;

create trigger fx_daily_is_append_only before update or delete on fx_daily
    for each row execute function refuse_change_of_reported_figures();
create trigger fx_rate_is_append_only before update or delete on fx_rate
    for each row execute function refuse_change_of_reported_figures();
