-- Where an imported version came from: the national export it was read from (format, program,
-- the file's SHA-256, how the trial balance was derived). Append-only, like the figures.
create table submission_source_file (
    submission_id bigint primary key references submission (id),
    format text not null,
    program text,
    program_version text,
    organisation_number text,
    company text,
    file_names text[] not null,
    sha256 bytea not null,
    size_bytes bigint not null check (size_bytes >= 0),
    derived_from text not null,
    notes text[] not null default '{}'
);

create trigger submission_source_file_is_append_only
    before update or delete on submission_source_file
    for each row execute function refuse_change_of_reported_figures();
