-- A locked consolidation holds: the lock names the run it signs off (its figures are served
-- while the period is locked) and the prior period's run its comparatives come from; what the
-- run used is recorded once, as (kind, key) pairs every service can ask about in one statement
-- before it changes something; the national accounts behind it are kept for its drill-down.

-- Lock events before 0008 name no run: they still lock the period's journals; locking again
-- after an unlock stores the run.
alter table consolidation_lock_event
    add column run_id bigint references consolidation_run (id),
    add column prior_run_id bigint references consolidation_run (id),
    add column prior_problems text[] not null default '{}',
    add constraint consolidation_lock_event_names_its_run
        check (not locked or run_id is not null) not valid;
create index consolidation_lock_event_by_period on consolidation_lock_event (period, id);

-- The key is a JSON array: kind 'report' ["SE", "2024", "statements"], used = the approved
-- version; kind 'rate' [currency, type, period, entity, line] (null where absent), used = the
-- rate; kind 'journals' ["2024"]; kind 'signoff' [the prior period] whose signed-off run it
-- opened from, used = that run's id. Other kinds (the acquisition register) add rows the same
-- way.
create table consolidation_dependency (
    run_id bigint not null references consolidation_run (id),
    kind text not null,
    key jsonb not null check (jsonb_typeof(key) = 'array'),
    used text,
    primary key (run_id, kind, key)
);
create index consolidation_dependency_by_key on consolidation_dependency (kind, key);

create trigger consolidation_dependency_is_append_only
    before update or delete on consolidation_dependency
    for each row execute function refuse_change_of_reported_figures();

-- The national accounts behind a signed-off run, as mapped when it was locked: its drill-down
-- stays the figures signed off when a corrected chart maps an account elsewhere.
create table consolidation_run_account (
    run_id bigint not null references consolidation_run (id),
    entity_code text not null,
    line_code text not null,
    account_code text not null,
    label text,
    partner_entity text,
    amount numeric not null
);
create index consolidation_run_account_by_line
    on consolidation_run_account (run_id, entity_code, line_code);

create trigger consolidation_run_account_is_append_only
    before update or delete on consolidation_run_account
    for each row execute function refuse_change_of_reported_figures();

-- The periods locked now: each period's latest lock event, when it locks.
create view consolidation_signoff as
select e.id as event_id, e.period, e.run_id, e.prior_run_id, e.prior_problems,
       e.actor_id as locked_by, e.at as locked_at, e.reason
from (
    select distinct on (period) * from consolidation_lock_event order by period, id desc
) e
where e.locked;
