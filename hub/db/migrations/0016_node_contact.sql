-- Federation (issue 13): when each entity's node last reached the hub with something it had
-- signed with a registered key of that entity (an envelope, a request for the reference data or
-- for its envelopes' status). One row per entity, moved forward on each contact: a time of
-- contact, not a figure, so it is updated in place (never backwards).
create table node_contact (
    entity_code text primary key references entity (code),
    contacted_at timestamptz not null,
    what text not null check (length(trim(what)) > 0)
);
