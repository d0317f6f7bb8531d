-- Who may see a version: a version is published when it was itself approved. Approving a later
-- version publishes that version only; a version returned and never approved stays unpublished.
create table publication (
    submission_id bigint primary key references submission (id),
    entity_code text not null,
    period text not null,
    dataset text not null,
    version integer not null,
    published_at timestamptz not null default clock_timestamp(),
    unique (entity_code, period, dataset, version),
    foreign key (entity_code, period, dataset, version)
        references submission (entity_code, period, dataset, version)
);

-- The versions approved so far: every approval recorded in the workflow, and the reports that
-- migration 0002 published as they stood (approved without an event).
insert into publication (submission_id, entity_code, period, dataset, version)
select s.id, s.entity_code, s.period, s.dataset, s.version
from submission s
where exists (
        select 1 from report_event e
        where (e.entity_code, e.period, e.dataset, e.version)
            = (s.entity_code, s.period, s.dataset, s.version)
          and e.action = 'approve'
    )
   or exists (
        select 1 from report r
        where (r.entity_code, r.period, r.dataset, r.approved_version)
            = (s.entity_code, s.period, s.dataset, s.version)
    );

-- The status the published version was last given (approved or locked): what a caller without
-- draft rights sees while a correction is drafted.
alter table report add column published_status text
    check (published_status in ('approved', 'locked'));
update report r set published_status = coalesce(
    (select e.to_status from report_event e
     where (e.entity_code, e.period, e.dataset) = (r.entity_code, r.period, r.dataset)
       and e.action in ('approve', 'lock')
     order by e.id desc limit 1),
    case when r.status = 'locked' then 'locked' else 'approved' end)
where r.approved_version is not null;
alter table report add constraint published_status_with_published_version
    check ((approved_version is null) = (published_status is null));

create trigger publication_is_append_only before update or delete on publication
    for each row execute function refuse_change_of_reported_figures();

-- An idempotency key belongs to one report: the same key for another period or dataset is a
-- different save.
drop index submission_idempotency;
create unique index submission_idempotency
    on submission (entity_code, period, dataset, idempotency_key)
    where idempotency_key is not null;
