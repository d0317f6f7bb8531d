-- Reporting workflow (draft -> submitted -> approved -> locked, reopen), its audit trail,
-- idempotent saves, the financial-statements dataset and the validation findings of each version.

alter table report
    add column status text not null default 'draft'
        check (status in ('draft', 'submitted', 'approved', 'locked')),
    add column approved_version integer check (approved_version >= 1);

-- Reports saved before the workflow existed were published as they stood.
update report set status = 'approved', approved_version = latest_version;

create table report_event (
    id bigint generated always as identity primary key,
    entity_code text not null,
    period text not null,
    dataset text not null,
    action text not null,
    from_status text,
    to_status text not null,
    version integer not null,
    actor_id bigint not null references app_user (id),
    at timestamptz not null default clock_timestamp(),
    reason text,
    foreign key (entity_code, period, dataset) references report (entity_code, period, dataset)
);
create index report_event_by_report on report_event (entity_code, period, dataset, id);

alter table submission add column idempotency_key text;
create unique index submission_idempotency on submission (entity_code, idempotency_key)
    where idempotency_key is not null;

-- The digest of a version's content, written once its rows have all been streamed in: it tells
-- an idempotent retry or an unchanged re-upload from a real change.
create table submission_digest (
    submission_id bigint primary key references submission (id),
    content_sha256 bytea not null
);

create table tb_line (
    submission_id bigint not null references submission (id),
    position integer not null,
    account_code text not null,
    label text,
    amount numeric not null,
    currency char(3) not null,
    partner_entity text references entity (code),
    primary key (submission_id, position)
);

create table statement_line (
    submission_id bigint not null references submission (id),
    line_code text not null,
    amount numeric not null,
    currency char(3) not null,
    primary key (submission_id, line_code)
);

create table validation_finding (
    submission_id bigint not null references submission (id),
    position integer not null,
    severity text not null check (severity in ('warning', 'notice')),
    rule text not null,
    location text not null,
    message text not null,
    primary key (submission_id, position)
);

create trigger tb_line_is_append_only before update or delete on tb_line
    for each row execute function refuse_change_of_reported_figures();
create trigger statement_line_is_append_only before update or delete on statement_line
    for each row execute function refuse_change_of_reported_figures();
create trigger validation_finding_is_append_only before update or delete on validation_finding
    for each row execute function refuse_change_of_reported_figures();
create trigger submission_digest_is_append_only before update or delete on submission_digest
    for each row execute function refuse_change_of_reported_figures();
create trigger report_event_is_append_only before update or delete on report_event
    for each row execute function refuse_change_of_reported_figures();

-- A report row is created, locked, then given its first version in one transaction.
alter table report drop constraint report_latest_version_check,
    add constraint report_latest_version_check check (latest_version >= 0);
