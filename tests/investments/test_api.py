"""The investment GraphQL types over HTTP, in an app of their own (the hub's schema merged with
them, as the hub's app will be once they are wired)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from strawberry.litestar import make_graphql_controller
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from hub.api.errors import HubSchema
from hub.api.scalars import DecimalScalar
from hub.assembly.context import get_context
from hub.auth.policy import Principal
from hub.fx.demo import excerpt
from hub.fx.service import import_ecb
from hub.investments.demo import load_demo_programmes
from hub.investments.graphql import InvestmentMutation, InvestmentQuery
from hub.registry.graphql import RegistryQuery
from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.api.graphql_client import data, error_messages, gql
from tests.investments.scenario import row_counts


@pytest.fixture
async def investment_client(
    settings: Settings, database_url: str, tokens: dict[str, str]
) -> AsyncIterator[AsyncTestClient[Any]]:
    """The registry's queries with the investment types merged in. The app opens its own hub
    on the test's database, as the real one does."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with open_hub(settings, database_url, pool_size=2) as hub:
            app.state.hub = hub
            yield

    schema = HubSchema(
        query=merge_types("Query", (RegistryQuery, InvestmentQuery)),
        mutation=merge_types("Mutation", (InvestmentMutation,)),
        config=StrawberryConfig(scalar_map={Decimal: DecimalScalar}),
    )
    graphql = make_graphql_controller(schema, path="/graphql", context_getter=get_context)
    app = Litestar(route_handlers=[graphql], lifespan=[lifespan])
    async with AsyncTestClient(app=app) as client:
        yield client


CREATE = """
mutation C($input: InvestmentProgrammeInput!) {
  createProgramme(input: $input) { name fundingEntity budget currency startsOn endsOn
                                   allocated unallocated remaining illustrative createdBy }
}
"""
ALLOCATE = """
mutation A($input: InvestmentAllocationInput!) {
  allocate(input: $input) { programme partner amount currency illustrative note createdBy }
}
"""
COMMIT = """
mutation C($input: InvestmentCommitmentInput!) {
  commit(input: $input) { partner date amount currency description }
}
"""
DISBURSE = """
mutation D($input: InvestmentDisbursementInput!) {
  disburse(input: $input) {
    partner date amount currency programmeAmount programmeCurrency rate rateDay category document
  }
}
"""
PROGRAMMES = """
query P($name: [String!]) {
  investmentProgrammes(name: $name) {
    name budget allocated unallocated committed disbursed remaining illustrative
    partners { partner allocated committed disbursed remaining uncommitted currency illustrative }
    disbursements { partner amount currency programmeAmount rate rateDay category illustrative }
  }
}
"""
PLAN = {
    "name": "Investment plan 2021-2023",
    "fundingEntity": "BE",
    "budget": "3300000",
    "currency": "EUR",
    "startsOn": "2021-01-01",
    "endsOn": "2023-12-31",
    "purpose": "Financial equilibrium and autonomy of the partners",
}


async def test_finance_runs_a_programme_over_graphql(
    investment_client: AsyncTestClient[Any], hub: Hub, tokens: dict[str, str]
) -> None:
    await import_ecb(hub, excerpt(), None)
    client, finance = investment_client, tokens["finance"]
    created = data(await gql(client, finance, CREATE, input=PLAN))["createProgramme"]
    assert created == {
        "name": "Investment plan 2021-2023",
        "fundingEntity": "BE",
        "budget": "3300000.00",
        "currency": "EUR",
        "startsOn": "2021-01-01",
        "endsOn": "2023-12-31",
        "allocated": "0.00",
        "unallocated": "3300000.00",
        "remaining": "3300000.00",
        "illustrative": False,
        "createdBy": "finance",
    }
    allocation = {"programme": PLAN["name"], "partner": "SE", "amount": "600000"}
    allocated = data(
        await gql(client, finance, ALLOCATE, input={**allocation, "illustrative": True})
    )
    assert allocated["allocate"] == {
        "programme": "Investment plan 2021-2023",
        "partner": "SE",
        "amount": "600000.00",
        "currency": "EUR",
        "illustrative": True,
        "note": None,
        "createdBy": "finance",
    }
    committed = data(
        await gql(
            client,
            finance,
            COMMIT,
            input={
                "programme": PLAN["name"],
                "partner": "SE",
                "date": "2023-01-10",
                "amount": "400000.50",
                "description": "Investment agreement",
            },
        )
    )
    assert committed["commit"] == {
        "partner": "SE",
        "date": "2023-01-10",
        "amount": "400000.50",
        "currency": "EUR",
        "description": "Investment agreement",
    }
    paid = data(
        await gql(
            client,
            finance,
            DISBURSE,
            input={
                "programme": PLAN["name"],
                "partner": "SE",
                "date": "2023-07-01",
                "amount": "2000000",
                "currency": "SEK",
                "category": "DIGITAL_PORTAL",
                "document": "transfer 2023-117",
            },
        )
    )
    assert paid["disburse"] == {
        "partner": "SE",
        "date": "2023-07-01",
        "amount": "2000000.00",
        "currency": "SEK",
        "programmeAmount": "169412.56",
        "programmeCurrency": "EUR",
        "rate": "11.8055",
        "rateDay": "2023-06-30",
        "category": "DIGITAL_PORTAL",
        "document": "transfer 2023-117",
    }
    board = tokens["board"]
    (programme,) = data(await gql(client, board, PROGRAMMES, name=[PLAN["name"]]))[
        "investmentProgrammes"
    ]
    assert programme == {
        "name": "Investment plan 2021-2023",
        "budget": "3300000.00",
        "allocated": "600000.00",
        "unallocated": "2700000.00",
        "committed": "400000.50",
        "disbursed": "169412.56",
        "remaining": "3130587.44",
        "illustrative": True,
        "partners": [
            {
                "partner": "SE",
                "allocated": "600000.00",
                "committed": "400000.50",
                "disbursed": "169412.56",
                "remaining": "430587.44",
                "uncommitted": "199999.50",
                "currency": "EUR",
                "illustrative": True,
            }
        ],
        "disbursements": [
            {
                "partner": "SE",
                "amount": "2000000.00",
                "currency": "SEK",
                "programmeAmount": "169412.56",
                "rate": "11.8055",
                "rateDay": "2023-06-30",
                "category": "DIGITAL_PORTAL",
                "illustrative": False,
            }
        ],
    }


async def test_refusals_are_investment_errors_naming_the_input_field(
    investment_client: AsyncTestClient[Any], hub: Hub, tokens: dict[str, str]
) -> None:
    client, finance = investment_client, tokens["finance"]
    data(await gql(client, finance, CREATE, input=PLAN))
    data(
        await gql(
            client,
            finance,
            ALLOCATE,
            input={"programme": PLAN["name"], "partner": "DE", "amount": "3200000"},
        )
    )
    before = await row_counts(hub)
    beyond = await gql(
        client,
        finance,
        ALLOCATE,
        input={"programme": PLAN["name"], "partner": "AT", "amount": "200000"},
    )
    assert beyond["data"] is None
    (error,) = beyond["errors"]
    assert error["message"] == (
        "amount: allocations would total 3,400,000.00 EUR, beyond the budget of "
        '3,300,000.00 EUR of "Investment plan 2021-2023"'
    )
    assert error["extensions"] == {"code": "INVESTMENT", "field": "amount"}
    dates = await gql(
        client,
        finance,
        CREATE,
        input={**PLAN, "name": "Plan 2030", "startsOn": "2030-01-01", "endsOn": "2029-12-31"},
    )
    assert error_messages(dates) == ["endsOn: 2029-12-31 is before the start, 2030-01-01"]
    assert dates["errors"][0]["extensions"] == {"code": "INVESTMENT", "field": "endsOn"}
    unknown = await gql(
        client,
        finance,
        DISBURSE,
        input={
            "programme": PLAN["name"],
            "partner": "DE",
            "date": "2023-03-01",
            "amount": "1000",
            "currency": "XYZ",
            "category": "STAFFING",
            "document": "transfer",
        },
    )
    assert error_messages(unknown) == [
        "currency: unknown currency 'XYZ': neither EUR nor a currency of the network or with "
        "ECB rates"
    ]
    assert await row_counts(hub) == before


async def test_only_finance_may_write_and_everyone_reads(
    investment_client: AsyncTestClient[Any], hub: Hub, tokens: dict[str, str]
) -> None:
    refused = await gql(investment_client, tokens["national-de"], CREATE, input=PLAN)
    assert error_messages(refused) == [
        "the national role may not manage investment programmes and loans"
    ]
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await row_counts(hub))["investment_programme"] == 0
    for user in ("board", "national-se", "admin", "finance"):
        body = await gql(investment_client, tokens[user], PROGRAMMES)
        assert data(body) == {"investmentProgrammes": []}
    response = await investment_client.post("/graphql", json={"query": PROGRAMMES})
    assert response.status_code == 401


GRANT = """
mutation G($input: LoanInput!) {
  grantLoan(input: $input) { id lender borrowerProject principal currency grantedOn outstanding
                             instalments { dueOn amount } }
}
"""
REPAY = """
mutation R($input: LoanRepaymentInput!) {
  repay(input: $input) { id repaid outstanding repayments { date amount currency } }
}
"""
LOANS = """
query L($asOf: Date) {
  investmentLoans(asOf: $asOf) {
    borrowerProject projects principal asOf repaid outstanding due overdue illustrative
    instalments { dueOn amount paid unpaid overdue state }
  }
}
"""


async def test_loans_with_their_schedule_against_the_repayments(
    investment_client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    client, finance = investment_client, tokens["finance"]
    granted = data(
        await gql(
            client,
            finance,
            GRANT,
            input={
                "lender": "BE",
                "borrowerProject": "Bakery cooperative, Ghent",
                "principal": "6000",
                "currency": "EUR",
                "grantedOn": "2024-02-01",
                "schedule": [
                    {"dueOn": "2024-06-30", "amount": "3000"},
                    {"dueOn": "2024-12-31", "amount": "3000"},
                ],
            },
        )
    )["grantLoan"]
    assert {k: v for k, v in granted.items() if k != "id"} == {
        "lender": "BE",
        "borrowerProject": "Bakery cooperative, Ghent",
        "principal": "6000.00",
        "currency": "EUR",
        "grantedOn": "2024-02-01",
        "outstanding": "6000.00",
        "instalments": [
            {"dueOn": "2024-06-30", "amount": "3000.00"},
            {"dueOn": "2024-12-31", "amount": "3000.00"},
        ],
    }
    repaid = data(
        await gql(
            client,
            finance,
            REPAY,
            input={"loan": granted["id"], "date": "2024-07-10", "amount": "2500.25"},
        )
    )["repay"]
    assert repaid == {
        "id": granted["id"],
        "repaid": "2500.25",
        "outstanding": "3499.75",
        "repayments": [{"date": "2024-07-10", "amount": "2500.25", "currency": "EUR"}],
    }
    too_much = await gql(
        client,
        finance,
        REPAY,
        input={"loan": granted["id"], "date": "2024-07-11", "amount": "3500"},
    )
    assert error_messages(too_much) == [
        f"amount: 3,500.00 EUR is more than the 3,499.75 EUR outstanding on loan {granted['id']}"
    ]
    (loan,) = data(await gql(client, tokens["board"], LOANS, asOf="2024-09-30"))["investmentLoans"]
    assert loan == {
        "borrowerProject": "Bakery cooperative, Ghent",
        "projects": None,
        "principal": "6000.00",
        "asOf": "2024-09-30",
        "repaid": "2500.25",
        "outstanding": "3499.75",
        "due": "3000.00",
        "overdue": "499.75",
        "illustrative": False,
        "instalments": [
            {
                "dueOn": "2024-06-30",
                "amount": "3000.00",
                "paid": "2500.25",
                "unpaid": "499.75",
                "overdue": "499.75",
                "state": "OVERDUE",
            },
            {
                "dueOn": "2024-12-31",
                "amount": "3000.00",
                "paid": "0.00",
                "unpaid": "3000.00",
                "overdue": "0.00",
                "state": "NOT_DUE",
            },
        ],
    }
    bad_schedule = await gql(
        client,
        finance,
        GRANT,
        input={
            "lender": "BE",
            "borrowerEntity": "SE",
            "principal": "1000",
            "currency": "EUR",
            "grantedOn": "2024-02-01",
            "schedule": [
                {"dueOn": "2024-06-30", "amount": "500"},
                {"dueOn": "2024-06-30", "amount": "500"},
            ],
        },
    )
    assert error_messages(bad_schedule) == [
        "schedule[1].dueOn: 2024-06-30 is already the due date of schedule[0]"
    ]
    assert bad_schedule["errors"][0]["extensions"]["field"] == "schedule[1].dueOn"


async def test_the_demo_over_graphql_says_what_is_illustrative(
    investment_client: AsyncTestClient[Any],
    hub: Hub,
    principals: dict[str, Principal],
    tokens: dict[str, str],
) -> None:
    await load_demo_programmes(hub, principals["finance"])
    programmes = data(await gql(investment_client, tokens["board"], PROGRAMMES))[
        "investmentProgrammes"
    ]
    assert [(p["name"], p["budget"], p["disbursed"], p["illustrative"]) for p in programmes] == [
        ("Investment plan 2021-2023", "3300000.00", "3210000.00", True),
        ("Budget 2024: automation and digitalisation", "300000.00", "250212.82", True),
    ]
    loans = data(await gql(investment_client, tokens["board"], LOANS, asOf="2024-12-31"))[
        "investmentLoans"
    ]
    assert [(loan["projects"], loan["outstanding"], loan["overdue"]) for loan in loans] == [
        (16, "16150.00", "3075.00"),
        (19, "32435.00", "0.00"),
        (15, "36855.00", "0.00"),
        (20, "70200.00", "0.00"),
    ]
    assert all(loan["illustrative"] for loan in loans)
