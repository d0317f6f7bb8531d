"""Who sees what, proved over the GraphQL schema itself and every REST route.

Germany's reports hold an unpublished version in three ways (tests/visibility/scenarios.py).
Every root field of Query and Mutation is called with the arguments listed here; its selection is
generated from the schema (every field, every union member, each type once per path), so a new
nested field is read as soon as it exists. A root field, a field with arguments or a REST route
this module does not list fails `test_every_field_and_route_is_probed` until someone says how to
call it and what it may show.

Each call runs as every role. Outsiders of Germany (the board, Austria's team) must see no marker
of unpublished content, no DRAFT or SUBMITTED status of a German report and no German version 2;
draft readers (finance, admins, Germany's team) must see the markers through every field that
shows drafts, which proves the call reaches them. Fields that show published figures only (the
consolidation, contributions, break-even, the board pack) must show no marker to anyone.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from graphql import (
    GraphQLEnumType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)
from hub.assembly.app import create_app
from hub.assembly.schema import build_schema
from hub.services import Hub
from hub.settings import Settings
from tests.visibility.scenarios import MARKERS, PERIODS, UNPUBLISHED_VERSION, build

ENTITIES = {"BE", "DE", "AT", "IT", "SE"}
OUTSIDERS = ("board", "national-at")
DRAFT_READERS = ("finance", "admin", "national-de")
ALL_PERIODS = "[" + ", ".join(f'"{p}"' for p in PERIODS) + "]"


@dataclass(frozen=True)
class Call:
    """How to call a field: one argument list per variant ("" for none)."""

    variants: tuple[str, ...] = ("",)
    shows_drafts: bool = False  # draft readers must see unpublished content through it


def _each_period(template: str) -> tuple[str, ...]:
    return tuple(template.format(p=p) for p in PERIODS)


def _each_dataset_period(template: str) -> tuple[str, ...]:
    return tuple(template.format(p=p, d=d) for p in PERIODS for d in ("KPI", "STATEMENTS"))


QUERIES: dict[str, Call] = {
    "me": Call(),
    "network": Call(),
    "kpis": Call(),
    "entities": Call(shows_drafts=True),
    "entity": Call(('(code: "DE")',), shows_drafts=True),
    "kpiValues": Call(
        (
            "",
            '(entity: ["DE"])',
            f"(version: {UNPUBLISHED_VERSION})",
            f'(entity: ["DE"], period: ["2023"], version: {UNPUBLISHED_VERSION})',
        ),
        shows_drafts=True,
    ),
    "submissions": Call(
        ("", '(entity: ["DE"])', '(entity: ["DE"], period: "2023", dataset: STATEMENTS)'),
        shows_drafts=True,
    ),
    "reports": Call(
        ("", '(entity: ["DE"])', "(status: [DRAFT, SUBMITTED])", '(period: ["2024"])'),
        shows_drafts=True,
    ),
    # Work in progress: draft readers only (a national team its own entity), whatever asked.
    "reportingStatus": Call(
        ("", '(entity: ["DE"])', f"(periods: {ALL_PERIODS})", '(asOf: "2023-06-01")'),
        shows_drafts=True,
    ),
    "reportDiff": Call(
        (
            *_each_dataset_period(
                '(entity: "DE", period: "{p}", dataset: {d}, fromVersion: 1, toVersion: 2)'
            ),
            *_each_dataset_period(
                '(entity: "DE", period: "{p}", dataset: {d}, fromVersion: 2, toVersion: 3)'
            ),
        ),
        shows_drafts=True,
    ),
    "statements": Call(
        _each_period('(entity: "DE", period: "{p}")')
        + _each_period(f'(entity: "DE", period: "{{p}}", version: {UNPUBLISHED_VERSION})'),
        shows_drafts=True,
    ),
    "unmappedAccounts": Call(_each_period('(entity: "DE", period: "{p}")'), shows_drafts=True),
    "comparison": Call(
        (
            f"(periods: {ALL_PERIODS})",
            f'(periods: {ALL_PERIODS}, entities: ["DE"], kpis: ["turnover"])',
        ),
        shows_drafts=True,
    ),
    # Published figures only, for everyone.
    "consolidation": Call(
        (*_each_period('(period: "{p}")'), '(period: "2024", entities: ["BE", "DE"])')
    ),
    "consolidationDrillDown": Call(
        (
            '(period: "2024", line: "BS.A.CA.IX")',
            '(period: "2022", line: "BS.A.CA.IX", entity: "DE")',
        )
    ),
    "consolidationRuns": Call(_each_period('(period: "{p}")')),
    "consolidationLocks": Call(_each_period('(period: "{p}")')),
    "contributions": Call((f"(period: {ALL_PERIODS})", f'(period: {ALL_PERIODS}, entity: ["DE"])')),
    "contributionWhatIf": Call(
        (
            f"(period: {ALL_PERIODS}, changes: "
            '[{entity: "DE", component: "on_turnover", ratePercent: "10"}])',
        )
    ),
    "breakEven": Call(("", "(asOf: 2024)")),
    "exchangeRates": Call(),
    "exchangeRateHistory": Call(('(currency: "SEK", type: CLOSING, period: "2024")',)),
    "investmentProgrammes": Call(),
    "investmentLoans": Call(),
    "acquisitionRegister": Call(("", '(entity: ["DE"])')),
    "users": Call(),
    "userAudit": Call(),
    # Column profiles hold no figures; the preview shows the uploaded file's own rows.
    "columnProfile": Call(('(entity: "DE")',)),
    "detectColumnProfile": Call(
        ('(entity: "DE", file: {name: "x.csv", contentBase64: "S29udG87U2FsZG8KMTAwMDsxLDAw"})',)
    ),
    # Mapping rules hold no figures: finance, admins and Germany's own team read Germany's.
    "mappings": Call(('(entity: "DE", period: "2024")',)),
    # The group chart's lines: configuration, for everyone signed in.
    "groupLines": Call(),
    # Node keys: public keys and who registered them, no figures; admins only.
    "nodeKeys": Call(("", '(entity: "DE")')),
    # What the hub has from each entity's node: accepted and pending versions for draft readers
    # only (a national team: its own entity's row), the board the mode, contact and staleness.
    "federationStatus": Call(
        ("", '(entity: ["DE"])', '(entity: ["DE", "AT"], asOf: "2030-01-01T00:00:00Z")')
    ),
    # Reporting modes and the network.toml that set them: configuration; finance and admins.
    "reportingModeHistory": Call(("", '(entity: "DE")')),
    # A node's own envelopes: refused on the hub (not a node) for everyone.
    "networkEnvelopes": Call(),
}

# Fields below the root that take arguments.
NESTED: dict[str, Call] = {
    "Entity.kpiValues": Call(
        (
            "",
            f"(version: {UNPUBLISHED_VERSION})",
            f'(period: ["2022"], version: {UNPUBLISHED_VERSION})',
        )
    ),
    "Entity.contributionRules": Call(),
}

# Every mutation, aimed at Germany's reports or at network data; outsiders must be refused.
MUTATIONS: dict[str, str] = {
    "saveKpiValues": '(input: {entity: "DE", period: "2022", values: [{kpi: "users", '
    'amount: "1"}], options: {baseVersion: 2}})',
    "saveStatements": '(input: {entity: "DE", period: "2022", options: {baseVersion: 2}})',
    "transitionReport": '(input: {entity: "DE", period: "2022", dataset: KPI, action: SUBMIT, '
    'reason: "x"})',
    "overrideExchangeRate": '(input: {currency: "SEK", type: CLOSING, period: "2024", '
    'rate: "11", reason: "x"})',
    "runConsolidation": '(period: "2024")',
    "postJournal": '(input: {period: "2024", reason: "x", lines: [{line: "BS.A.CA.IX", '
    'amount: "1"}, {line: "BS.L.EQ.I", amount: "-1"}]})',
    "reverseJournal": '(id: 1, reason: "x")',
    "lockConsolidation": '(period: "2024")',
    "createProgramme": '(input: {name: "x", fundingEntity: "BE", budget: "1", currency: "EUR", '
    'startsOn: "2024-01-01", endsOn: "2024-12-31", purpose: "x"})',
    "allocate": '(input: {programme: "x", partner: "DE", amount: "1"})',
    "commit": '(input: {programme: "x", partner: "DE", date: "2024-01-01", amount: "1", '
    'description: "x"})',
    "disburse": '(input: {programme: "x", partner: "DE", date: "2024-01-01", amount: "1", '
    'currency: "EUR", category: OTHER, document: "x"})',
    "grantLoan": '(input: {lender: "BE", borrowerEntity: "DE", principal: "1", currency: "EUR", '
    'grantedOn: "2024-01-01", schedule: [{dueOn: "2025-01-01", amount: "1"}]})',
    "repay": '(input: {loan: 1, date: "2024-01-01", amount: "1"})',
    "recordAcquisition": '(input: {subsidiary: "SE", acquiredOn: "2012-12-31", share: "0.8", '
    'consideration: "100000", considerationCurrency: "EUR", equity: [{line: "BS.L.EQ.I", '
    'amount: "-1000000"}], reason: "x"})',
    "recordOwnershipChange": '(input: {subsidiary: "SE", effectiveOn: "2024-01-01", '
    'share: "0.9", consideration: "1", considerationCurrency: "EUR", reason: "x"})',
    "recordGoodwillImpairment": '(input: {subsidiary: "SE", period: "2024", amount: "1", '
    'reason: "x"})',
    "recordOpeningPosition": '(input: {entity: "SE", period: "2024", lines: [{line: '
    '"BS.L.EQ.I", local: "-1", translated: "-1"}], reason: "x"})',
    "withdrawRegisterEntry": '(kind: GOODWILL_IMPAIRMENT, id: 1, reason: "x")',
    "importLedger": '(input: {entity: "DE", period: "2024", format: "datev", files: [{name: '
    '"x.csv", contentBase64: "eA=="}]})',
    "saveColumnProfile": '(entity: "DE", profile: {account: "#1", balance: "#2", headerRows: 0})',
    "mapAccounts": '(input: {entity: "DE", accounts: ["4400"], line: "IS.SHARED", '
    'effectiveFrom: "2030", reason: "x"})',
    "createUser": '(input: {name: "mallory", role: ADMIN, tokenLabel: "x"})',
    "changeUserRole": '(input: {name: "board", role: ADMIN})',
    "disableUser": '(name: "finance")',
    "enableUser": '(name: "finance")',
    "issueToken": '(input: {name: "finance", label: "x"})',
    "revokeToken": "(id: 1)",
    "revokeUserTokens": '(name: "finance")',
    "resetPassword": '(name: "finance")',
    "registerNodeKey": '(entity: "DE", publicKey: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", '
    'reason: "x")',
    "endNodeKey": '(fingerprint: "21fe31dfa154a261", validTo: "2030-01-01T00:00:00Z", reason: "x")',
    # On a node only: refused on the hub for everyone.
    "sendToNetwork": '(period: "2022", dataset: STATEMENTS)',
}


@dataclass(frozen=True)
class Download:
    """A REST route: the requests that exercise it, and whether draft readers see drafts."""

    requests: tuple[tuple[str, str], ...]  # (method, url)
    shows_drafts: bool = False


REST: dict[str, Download | None] = {
    "/api/reports/{entity:str}/{period:str}/workbook": Download(
        (
            *(("GET", f"/api/reports/DE/{p}/workbook") for p in PERIODS),
            ("POST", "/api/reports/DE/2022/workbook"),
        ),
        shows_drafts=True,
    ),
    "/api/board/{period:str}/board-pack.xlsx": Download(
        (("GET", "/api/board/2024/board-pack.xlsx"),)
    ),
    "/api/consolidation/{period:str}/statements.xlsx": Download(
        tuple(("GET", f"/api/consolidation/{p}/statements.xlsx") for p in PERIODS)
    ),
    "/api/monitoring/{period:str}/report.xlsx": Download(
        tuple(("GET", f"/api/monitoring/{p}/report.xlsx") for p in PERIODS)
    ),
    "/api/fx/ecb": Download((("POST", "/api/fx/ecb"),)),
    "/api/reports/{entity:str}/{period:str}/import/{format_name:str}": Download(
        (("POST", "/api/reports/DE/2022/import/datev"),)
    ),
    # A node delivering a signed envelope: no bearer user (the signature is the credential);
    # the answer is the envelope's own receipt, never another report's figures.
    "/api/federation/envelopes": None,
    # A node's signed requests (no bearer user): the network's reference data (config and
    # mapping rules, no figures) and the status of the entity's own envelopes.
    "/api/federation/reference": None,
    "/api/federation/status": None,
    # No reported figure: the schema walk covers /graphql; the page and its assets are static.
    "/graphql": None,
    "/health": None,
    "/": None,
    "/team": None,
    "/static/{file_path:path}": None,
    # Signing in from a browser: who the caller is, never a reported figure; static pages.
    "/auth/sign-in": None,
    "/auth/sign-out": None,
    "/auth/me": None,
    "/sign-in": None,
    "/admin": None,
    "/finance": None,
}


def graphql_schema() -> GraphQLSchema:
    return build_schema()._schema


# --- generated selections ----------------------------------------------------------------------


class Unlisted(Exception):
    pass


def _fields(named: GraphQLObjectType, path: tuple[str, ...], pick: int) -> Iterator[str]:
    for name, field in named.fields.items():
        target = get_named_type(field.type)
        if isinstance(target, (GraphQLObjectType, GraphQLUnionType)) and target.name in path:
            continue
        arguments = ""
        if field.args:
            call = NESTED.get(f"{named.name}.{name}")
            if call is None:
                raise Unlisted(f"{named.name}.{name}")
            arguments = call.variants[min(pick, len(call.variants) - 1)]
        yield f"{name}{arguments} {selection(target, (*path, named.name), pick)}".rstrip()


def selection(named: GraphQLNamedType, path: tuple[str, ...] = (), pick: int = 0) -> str:
    """Every field of the type, recursively, each object type once per path; a nested field
    with several argument lists takes the `pick`-th."""
    if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
        return ""
    if isinstance(named, GraphQLUnionType):
        members = " ".join(f"... on {m.name} {selection(m, path, pick)}" for m in named.types)
        return f"{{ __typename {members} }}"
    assert isinstance(named, GraphQLObjectType), named
    return "{ " + " ".join(_fields(named, path, pick)) + " }"


def branches(named: GraphQLNamedType, path: tuple[str, ...], pick: int) -> list[str]:
    """The selection split by branch: every scalar field with each object field in turn, so that
    each query stays within the request limits (which bound the size of one query)."""
    if not isinstance(named, GraphQLObjectType):
        return [selection(named, path, pick)]
    fields = list(_fields(named, path, pick))
    scalars = [f for f in fields if "{" not in f]
    objects = [f for f in fields if "{" in f] or [""]
    return ["{ " + " ".join([*scalars, branch]).strip() + " }" for branch in objects]


def root_documents(schema: GraphQLSchema) -> Iterator[tuple[str, str, str, bool]]:
    """(field, label, document, shows_drafts) for every query variant."""
    assert schema.query_type is not None
    picks = max(len(call.variants) for call in NESTED.values())
    for name, field in schema.query_type.fields.items():
        call = QUERIES[name]
        target = get_named_type(field.type)
        for arguments in call.variants:
            documents = {
                f"{{ {name}{arguments} {branch} }}"
                for pick in range(picks)
                for branch in branches(target, ("Query",), pick)
            }
            for document in sorted(documents):
                yield name, f"{name}{arguments}", document, call.shows_drafts


def mutation_documents(schema: GraphQLSchema) -> Iterator[tuple[str, str]]:
    assert schema.mutation_type is not None
    for name, field in schema.mutation_type.fields.items():
        arguments = MUTATIONS[name]
        target = get_named_type(field.type)
        yield name, f"mutation {{ {name}{arguments} {selection(target, ('Mutation',))} }}"


# --- what a response may not show --------------------------------------------------------------


def unpublished_signs(node: Any, entity: str | None = None, path: str = "") -> Iterator[str]:
    """Where the response shows something unpublished of Germany: a marker anywhere, a DRAFT or
    SUBMITTED status or a version 2 within a German object."""
    if isinstance(node, dict):
        for key in ("entity", "code"):
            value = node.get(key)
            if isinstance(value, str) and value in ENTITIES:
                entity = value
        for key, value in node.items():
            if entity == "DE":
                if key == "status" and value in ("DRAFT", "SUBMITTED"):
                    yield f"{path}.{key} = {value}"
                if key in ("version", "latestVersion") and value == UNPUBLISHED_VERSION:
                    yield f"{path}.{key} = {value}"
            yield from unpublished_signs(value, entity, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from unpublished_signs(item, entity, f"{path}[{index}]")
    elif isinstance(node, str):
        for marker in MARKERS:
            if marker in node:
                yield f"{path} = {node[:80]!r}"


def workbook_text(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


# --- the tests ---------------------------------------------------------------------------------


def test_every_field_and_route_is_probed(settings: Settings) -> None:
    schema = graphql_schema()
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    unlisted = [f"Query.{n}" for n in schema.query_type.fields if n not in QUERIES]
    unlisted += [f"Mutation.{n}" for n in schema.mutation_type.fields if n not in MUTATIONS]
    try:
        list(root_documents(schema)) + list(mutation_documents(schema))
    except (Unlisted, KeyError) as missing:
        unlisted.append(str(missing))
    assert not unlisted, (
        f"fields nobody has probed for unpublished figures: {unlisted}; add them to "
        "tests/visibility/test_who_sees_what.py (how to call them, whether they show drafts)"
    )
    stale = [n for n in QUERIES if n not in schema.query_type.fields]
    stale += [n for n in MUTATIONS if n not in schema.mutation_type.fields]
    assert not stale, f"probes of fields that no longer exist: {stale}"
    app = create_app(settings, "postgresql://unused")
    paths = {route.path for route in app.routes}
    documentation = {p for p in paths if p == "/schema" or p.startswith("/schema/")}
    assert paths - documentation - set(REST) == set(), "REST routes nobody has probed"
    assert set(REST) - paths == set(), "probes of REST routes that no longer exist"


async def _graphql(
    client: AsyncTestClient[Any], token: str, document: str
) -> tuple[dict[str, Any], str]:
    response = await client.post(
        "/graphql", json={"query": document}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body, response.text


async def _rest(
    client: AsyncTestClient[Any], token: str, method: str, url: str
) -> tuple[int, list[str]]:
    headers = {"Authorization": f"Bearer {token}"}
    if method == "GET":
        response = await client.get(url, headers=headers)
    else:
        response = await client.post(url, headers=headers, content=b"not a file")
    assert response.status_code < 500, (url, response.status_code, response.text)
    if response.headers.get("content-type", "").startswith("application/vnd.openxml"):
        return response.status_code, workbook_text(response.content)
    return response.status_code, [response.text]


async def test_who_sees_what(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    await build(client, tokens, hub)
    schema = graphql_schema()
    leaks: list[str] = []
    reached: set[str] = set()
    cases = 0
    for name, label, document, shows_drafts in root_documents(schema):
        for role in (*OUTSIDERS, *DRAFT_READERS):
            body, _ = await _graphql(client, tokens[role], document)
            cases += 1
            refused = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
            assert "LIMIT" not in refused, f"a probe is refused by the request limits: {label}"
            root = "DE" if '"DE"' in label else None
            signs = list(unpublished_signs(body.get("data"), root, "data"))
            signs += [
                f"error: {e['message']}"
                for e in body.get("errors", [])
                if any(m in e["message"] for m in MARKERS)
                or "draft" in e["message"].lower()
                or "submitted" in e["message"].lower()
            ]
            if role in OUTSIDERS or not shows_drafts:
                leaks += [f"{role} {label}: {sign}" for sign in signs]
            elif signs:
                reached.add(name)
    for name, document in mutation_documents(schema):
        for role in OUTSIDERS:
            body, text = await _graphql(client, tokens[role], document)
            cases += 1
            codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
            if codes != ["FORBIDDEN"]:
                leaks.append(f"{role} mutation {name} was not refused: {text[:200]}")
            leaks += [f"{role} mutation {name}: {m}" for m in MARKERS if m in text]
    for route, download in REST.items():
        if download is None:
            continue
        for method, url in download.requests:
            for role in (*OUTSIDERS, *DRAFT_READERS):
                _, texts = await _rest(client, tokens[role], method, url)
                cases += 1
                signs = [t[:80] for t in texts if any(m in t for m in MARKERS)]
                if role in OUTSIDERS or not download.shows_drafts:
                    leaks += [f"{role} {method} {url}: {sign}" for sign in signs]
                elif signs:
                    reached.add(route)
    print(f"who sees what: {cases} cases tried, {len(leaks)} leaks")
    assert leaks == [], json.dumps(leaks, indent=1)
    should_reach = {name for name, call in QUERIES.items() if call.shows_drafts}
    should_reach |= {route for route, d in REST.items() if d is not None and d.shows_drafts}
    assert should_reach - reached == set(), "probes that never reached unpublished content"
