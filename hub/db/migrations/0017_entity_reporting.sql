-- Federation (issue 13): who reports each entity's figures, as network.toml said it when the hub
-- started. One row per change of an entity's mode ('central': its team on the hub; 'node': its
-- own node, as signed envelopes), with the config file's SHA-256 and text, so that every switch
-- is explicit and can be audited. The first start records each entity's initial mode. An
-- entity's mode in force is that of its newest row. Append-only, like the figures.
create table entity_reporting (
    id bigint generated always as identity primary key,
    entity_code text not null references entity (code),
    mode text not null check (mode in ('central', 'node')),
    recorded_at timestamptz not null default clock_timestamp(),
    config_sha256 text not null check (config_sha256 ~ '^[0-9a-f]{64}$'),
    config_text text not null
);
create index entity_reporting_by_entity on entity_reporting (entity_code, id);

create trigger entity_reporting_is_append_only before update or delete on entity_reporting
    for each row execute function refuse_change_of_reported_figures();
