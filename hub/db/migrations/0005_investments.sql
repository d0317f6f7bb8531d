-- Shared investment programmes (a funder's budget, its allocations to partners, commitments and
-- disbursements) and interest-free loans (to a partner entity or a member project) with their
-- schedules and repayments. All of it is money history: append-only, like reported figures.
-- Writers that check a limit lock the programme or loan row first (select ... for update), so
-- that two concurrent writers cannot both pass the same check.
-- `illustrative` marks values that are not published (demo stand-ins).

create table investment_programme (
    id bigint generated always as identity primary key,
    name text not null unique check (length(trim(name)) > 0),
    funding_entity text not null references entity (code),
    -- numeric also holds 'NaN' (greater than every number) and 'Infinity': neither is money.
    budget numeric not null check (budget > 0 and budget::text not in ('NaN', 'Infinity')),
    currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
    starts_on date not null,
    ends_on date not null,
    purpose text not null check (length(trim(purpose)) > 0),
    illustrative boolean not null default false,
    created_by bigint not null references app_user (id),
    created_at timestamptz not null default clock_timestamp(),
    check (starts_on <= ends_on)
);
create index investment_programme_by_funder on investment_programme (funding_entity, starts_on);

-- Amounts in the programme currency.
create table investment_allocation (
    id bigint generated always as identity primary key,
    programme_id bigint not null references investment_programme (id),
    partner text not null references entity (code),
    amount numeric not null check (amount > 0 and amount::text not in ('NaN', 'Infinity')),
    illustrative boolean not null default false,
    note text,
    created_by bigint not null references app_user (id),
    created_at timestamptz not null default clock_timestamp()
);
create index investment_allocation_by_programme on investment_allocation (programme_id, partner);

-- Amounts in the programme currency.
create table investment_commitment (
    id bigint generated always as identity primary key,
    programme_id bigint not null references investment_programme (id),
    partner text not null references entity (code),
    committed_on date not null,
    amount numeric not null check (amount > 0 and amount::text not in ('NaN', 'Infinity')),
    description text not null check (length(trim(description)) > 0),
    illustrative boolean not null default false,
    created_by bigint not null references app_user (id),
    created_at timestamptz not null default clock_timestamp()
);
create index investment_commitment_by_programme on investment_commitment (programme_id, partner);

-- `amount` in `currency` as paid; `programme_amount` in the programme currency at `rate`
-- (units of `currency` per 1 unit of the programme currency) of the ECB day `rate_day`
-- (null when the currencies are the same and the rate is 1).
create table investment_disbursement (
    id bigint generated always as identity primary key,
    programme_id bigint not null references investment_programme (id),
    partner text not null references entity (code),
    paid_on date not null,
    amount numeric not null check (amount > 0 and amount::text not in ('NaN', 'Infinity')),
    currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
    programme_amount numeric not null
        check (programme_amount > 0 and programme_amount::text not in ('NaN', 'Infinity')),
    rate numeric not null check (rate > 0 and rate::text not in ('NaN', 'Infinity')),
    rate_day date,
    category text not null
        check (category in ('staffing', 'automation', 'digital_portal', 'training', 'other')),
    document text not null check (length(trim(document)) > 0),
    description text,
    illustrative boolean not null default false,
    created_by bigint not null references app_user (id),
    created_at timestamptz not null default clock_timestamp(),
    check (rate_day is not null or rate = 1)
);
create index investment_disbursement_by_programme
    on investment_disbursement (programme_id, partner);
create index investment_disbursement_by_partner on investment_disbursement (partner, paid_on);

-- A loan goes to a partner entity or to a named member project (`projects`: how many member
-- projects a line aggregates).
create table interest_free_loan (
    id bigint generated always as identity primary key,
    lender text not null references entity (code),
    borrower_entity text references entity (code),
    borrower_project text check (length(trim(borrower_project)) > 0),
    projects integer check (projects >= 1),
    principal numeric not null
        check (principal > 0 and principal::text not in ('NaN', 'Infinity')),
    currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
    granted_on date not null,
    illustrative boolean not null default false,
    note text,
    created_by bigint not null references app_user (id),
    created_at timestamptz not null default clock_timestamp(),
    constraint loan_has_one_borrower check ((borrower_entity is null) <> (borrower_project is null)),
    constraint loan_to_another_entity check (borrower_entity <> lender)
);

-- The instalments sum to the principal (checked by the service in the loan's transaction).
create table loan_instalment (
    loan_id bigint not null references interest_free_loan (id),
    due_on date not null,
    amount numeric not null check (amount > 0 and amount::text not in ('NaN', 'Infinity')),
    primary key (loan_id, due_on)
);

-- In the loan's currency.
create table loan_repayment (
    id bigint generated always as identity primary key,
    loan_id bigint not null references interest_free_loan (id),
    paid_on date not null,
    amount numeric not null check (amount > 0 and amount::text not in ('NaN', 'Infinity')),
    illustrative boolean not null default false,
    created_by bigint not null references app_user (id),
    created_at timestamptz not null default clock_timestamp()
);
create index loan_repayment_by_loan on loan_repayment (loan_id, paid_on);

create trigger investment_programme_is_append_only before update or delete on investment_programme
    for each row execute function refuse_change_of_reported_figures();
create trigger investment_allocation_is_append_only
    before update or delete on investment_allocation
    for each row execute function refuse_change_of_reported_figures();
create trigger investment_commitment_is_append_only
    before update or delete on investment_commitment
    for each row execute function refuse_change_of_reported_figures();
create trigger investment_disbursement_is_append_only
    before update or delete on investment_disbursement
    for each row execute function refuse_change_of_reported_figures();
create trigger interest_free_loan_is_append_only before update or delete on interest_free_loan
    for each row execute function refuse_change_of_reported_figures();
create trigger loan_instalment_is_append_only before update or delete on loan_instalment
    for each row execute function refuse_change_of_reported_figures();
create trigger loan_repayment_is_append_only before update or delete on loan_repayment
    for each row execute function refuse_change_of_reported_figures();
