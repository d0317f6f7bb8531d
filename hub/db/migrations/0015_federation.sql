-- Federation (issue 13): the public keys national nodes sign their envelopes with, and every
-- envelope the hub received. Both append-only, like the figures.
--
-- A key is registered once (`node_key`); it is ended by a closing row (`node_key_end`), never
-- by an update: a rotation registers the new key with its start and closes the old one at a
-- later moment, so both are accepted in between. A key's end in force is that of its newest
-- closing row (a later closing row may move the end again, with its reason). Every row says
-- who made it, when and why.

create table node_key (
    fingerprint text primary key check (fingerprint ~ '^[0-9a-f]{16}$'),
    entity_code text not null references entity (code),
    public_key text not null unique check (public_key ~ '^[A-Za-z0-9_-]{43}$'),
    valid_from timestamptz not null,
    registered_by bigint not null references app_user (id),
    registered_at timestamptz not null default clock_timestamp(),
    reason text not null check (length(trim(reason)) > 0)
);
create index node_key_by_entity on node_key (entity_code, valid_from);

create table node_key_end (
    id bigint generated always as identity primary key,
    fingerprint text not null references node_key (fingerprint),
    valid_to timestamptz not null,
    ended_by bigint not null references app_user (id),
    ended_at timestamptz not null default clock_timestamp(),
    reason text not null check (length(trim(reason)) > 0)
);
create index node_key_end_by_key on node_key_end (fingerprint, id);

create trigger node_key_is_append_only before update or delete on node_key
    for each row execute function refuse_change_of_reported_figures();
create trigger node_key_end_is_append_only before update or delete on node_key_end
    for each row execute function refuse_change_of_reported_figures();

-- Every envelope received, by the SHA-256 of its canonical bytes (the idempotency key of its
-- delivery): a second delivery of the same envelope finds its row and its outcome. Refused
-- envelopes are kept too, for the audit. An entity's last accepted sequence is the highest
-- `sequence` of its accepted rows.
create table envelope (
    hash text primary key check (hash ~ '^[0-9a-f]{64}$'),
    entity_code text not null,
    sequence bigint not null check (sequence >= 1),
    signed jsonb not null,
    received_at timestamptz not null default clock_timestamp(),
    outcome text not null check (outcome in ('accepted', 'refused')),
    reasons text[] not null default '{}',
    submission_id bigint references submission (id),
    check ((outcome = 'accepted') = (submission_id is not null)),
    check ((outcome = 'refused') = (cardinality(reasons) > 0))
);
-- At most one accepted envelope per entity and sequence.
create unique index envelope_accepted_sequence
    on envelope (entity_code, sequence) where outcome = 'accepted';

create trigger envelope_is_append_only before update or delete on envelope
    for each row execute function refuse_change_of_reported_figures();
