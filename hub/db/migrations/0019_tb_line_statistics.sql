-- How many groups the consolidation's sum of trial-balance lines per submission, chart account
-- and partner makes (hub/mappings/repository.py, account_sums). Without these statistics the
-- planner multiplies the distinct values of each column and expects about one group per line
-- (150,000 for 150,000 lines that make 2,844 groups): it sorts every line, spills the sort to
-- disk and aggregates afterwards. With them it expects a few thousand and hashes them in
-- memory. ANALYZE (autovacuum's, or this one) fills them.
create statistics tb_line_account_groups (ndistinct)
    on submission_id, (coalesce(chart_account, account_code)), partner_entity
    from tb_line;

analyze tb_line;
