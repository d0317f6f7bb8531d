"""Shared investment programmes and interest-free loans: budgets, allocations, commitments,
disbursements, loans and their repayments."""
