-- Every KPI figure of a submission in one row, for the board's comparison: it reads all the
-- figures of up to 30 entities x 11 periods on each request, and as 6,000 rows of kpi_value that
-- read cost PostgreSQL 3.4 ms of CPU; as 300 rows of kpi_block, 0.45 ms (docs/performance.md,
-- "The board's figures, one row per submission").
--
-- kpi_value stays the record (append-only: 0001). kpi_block is derived from it by the trigger
-- below, in the statement that inserts the figures, so the two cannot disagree; nobody else
-- may write it. `lines`: one line per figure, ordered by KPI, "kpi_code<TAB>amount<TAB>
-- provenance", the amount as PostgreSQL writes the numeric (exact, never an exponent). KPI codes
-- are lower-case identifiers and provenances a fixed set, so neither holds a tab or a newline.
create table kpi_block (
    submission_id bigint primary key references submission (id),
    lines text not null
);

create function kpi_block_lines_of(submissions bigint[]) returns void language sql as $$
    insert into kpi_block (submission_id, lines)
    select v.submission_id,
           string_agg(v.kpi_code || E'\t' || v.amount::text || E'\t' || v.provenance, E'\n'
                      order by v.kpi_code)
    from kpi_value v
    where v.submission_id = any(submissions)
    group by v.submission_id
    on conflict (submission_id) do update set lines = excluded.lines
$$;

create function kpi_block_of_inserted_figures() returns trigger language plpgsql as $$
begin
    perform kpi_block_lines_of(array(select distinct submission_id from inserted));
    return null;
end $$;

create trigger kpi_value_makes_its_block after insert on kpi_value
    referencing new table as inserted
    for each statement execute function kpi_block_of_inserted_figures();

-- The figures reported before this migration.
select kpi_block_lines_of(array(select distinct submission_id from kpi_value));

-- Written by the trigger above only (it runs one trigger level down).
create function refuse_direct_change_of_kpi_block() returns trigger language plpgsql as $$
begin
    if pg_trigger_depth() < 2 then
        raise exception 'kpi_block is derived from kpi_value: it cannot be changed directly'
            using errcode = 'integrity_constraint_violation';
    end if;
    return coalesce(new, old);
end $$;

create trigger kpi_block_is_derived before insert or update or delete on kpi_block
    for each row execute function refuse_direct_change_of_kpi_block();
