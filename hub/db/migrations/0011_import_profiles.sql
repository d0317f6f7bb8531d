-- How an entity's CSV or Excel trial balance is laid out (its column profile), saved by its
-- national team or finance. Never edited in place: a save is a new row, the newest is in force,
-- the history says who saved what and when.
create table import_profile (
    id bigint generated always as identity primary key,
    entity text not null references entity (code),
    profile jsonb not null check (jsonb_typeof(profile) = 'object'),
    saved_by bigint not null references app_user (id),
    saved_at timestamptz not null default clock_timestamp()
);
create index import_profile_by_entity on import_profile (entity, id);

create trigger import_profile_is_append_only
    before update or delete on import_profile
    for each row execute function refuse_change_of_reported_figures();
