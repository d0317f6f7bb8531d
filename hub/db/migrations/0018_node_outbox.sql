-- Federation (issue 13), a national node's side: the reference data it fetched from the hub,
-- the sequence numbers of its envelopes and its outbox. The hub runs the same migrations (it
-- is the same package) and leaves these tables empty.

-- Each fetch of the network's reference data (`hub node sync`): the hub's rule-set version and
-- the one the node computed after reproducing the hub's config and mappings. Append-only: the
-- newest row is the node's reference data now.
create table node_reference (
    id bigint generated always as identity primary key,
    fetched_at timestamptz not null default clock_timestamp(),
    hub_url text not null,
    rule_set_version text not null check (rule_set_version ~ '^[0-9a-f]{64}$'),
    local_version text not null check (local_version ~ '^[0-9a-f]{64}$'),
    mapping_rows_added integer not null check (mapping_rows_added >= 0)
);

create trigger node_reference_is_append_only before update or delete on node_reference
    for each row execute function refuse_change_of_reported_figures();

-- The last sequence number the node gave an envelope: one row, moved forward in the
-- transaction that stores the envelope, so a number is never given twice. It only goes
-- forward (a status refresh moves it above the hub's highest, after a restored backup).
create table node_sequence (
    singleton boolean primary key default true check (singleton),
    last_sequence bigint not null check (last_sequence >= 0)
);

-- The envelopes the node made, each as the exact bytes sent on every attempt (their SHA-256 is
-- the hub's idempotency key). A row is operational state, not a figure: its status moves with
-- the hub's answers (queued -> accepted | refused; accepted -> approved | returned | locked).
create table node_outbox (
    id bigint generated always as identity primary key,
    sequence bigint not null check (sequence >= 1),
    hash text not null unique check (hash ~ '^[0-9a-f]{64}$'),
    entity_code text not null references entity (code),
    period text not null,
    dataset text not null check (dataset in ('kpi', 'statements')),
    -- The node's version the envelope carries.
    submission_id bigint not null references submission (id),
    version integer not null check (version >= 1),
    rule_set_version text not null check (rule_set_version ~ '^[0-9a-f]{64}$'),
    signed bytea not null,
    status text not null default 'queued'
        check (status in ('queued', 'accepted', 'refused', 'approved', 'returned', 'locked')),
    -- The hub's reasons of a refusal, or finance's reason of a return.
    reasons text[] not null default '{}',
    -- The hub's version the envelope became.
    hub_version integer,
    attempts integer not null default 0 check (attempts >= 0),
    last_error text,
    last_attempt_at timestamptz,
    next_attempt_at timestamptz not null default clock_timestamp(),
    created_at timestamptz not null default clock_timestamp(),
    -- The hub's time of receipt: set with its verdict (accepted or refused).
    delivered_at timestamptz,
    status_at timestamptz not null default clock_timestamp(),
    check ((status = 'queued') = (delivered_at is null))
);
create index node_outbox_queued on node_outbox (sequence, id) where status = 'queued';
