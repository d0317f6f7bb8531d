"""Load the demo network: demo users for every role, then the published figures, each entity's
submitted by its own national team through the same service a team's GraphQL call uses. An
entity reported by its node (network.toml `reporting = "node"`) has its figures saved and
submitted by its node user instead, as its node's envelopes would be, and no national export
imported on the hub (the node imports it at home)."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from decimal import Decimal

import msgspec

from hub.auth.model import SYSTEM
from hub.auth.policy import Principal, Role
from hub.auth.users import UserAdmin, principal_by_name, upsert_user
from hub.demo import exports
from hub.demo.consolidation import demo_register_problems, sign_off_2023, summary
from hub.demo.figures import NETWORK_TABLE, operating_result, values_2023, values_2024
from hub.demo.ledgers import PARENT, PERIODS, trial_balance
from hub.demo.statements import belgian_lines
from hub.federation.register import ensure_node_user, node_user_name
from hub.fx.demo import load_demo_rates
from hub.imports import profiles
from hub.imports.formats import Source
from hub.imports.service import import_ledger
from hub.investments.demo import load_demo_programmes
from hub.registry.model import ReportingMode
from hub.reporting import service
from hub.reporting.model import Dataset, KpiSubmissionIn, StatementsIn
from hub.reporting.service import Saved, SaveOutcome
from hub.reporting.workflow import ReportAction
from hub.services import Hub


@dataclass(frozen=True, slots=True)
class DemoUser:
    name: str
    role: Role
    entity: str | None = None


def demo_users(entities: list[str]) -> list[DemoUser]:
    return [
        DemoUser("board", Role.BOARD),
        DemoUser("finance", Role.FINANCE),
        DemoUser("admin", Role.ADMIN),
        *(DemoUser(f"national-{code.lower()}", Role.NATIONAL, code) for code in entities),
    ]


@dataclass(slots=True)
class DemoLoad:
    tokens: dict[str, str] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)  # for /sign-in, new at each load
    roles: dict[str, Role] = field(default_factory=dict)  # of each demo user
    submitted: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)
    consolidation: list[str] = field(default_factory=list)  # what was recorded and locked
    consolidated: str = ""  # the signed-off year and the open year's figures, in one line
    imported: list[str] = field(default_factory=list)  # national exports, as draft versions
    through_nodes: list[str] = field(default_factory=list)  # entities reported by their nodes


class DemoLoadError(Exception):
    pass


LAST_YEAR = "2024"
DEMO_REASON = "Demo: the published figures of the annual report, changes as published"
ILLUSTRATIVE_REASON = "Demo: an illustrative trial balance, changes as illustrated"


async def _publish(
    hub: Hub,
    national: Principal,
    finance: Principal,
    label: str,
    dataset: Dataset,
    period: str,
    save: Awaitable[SaveOutcome],
    reason: str = DEMO_REASON,
) -> None:
    """Save as the national team, submit, approve as finance, and lock years before the last."""
    outcome = await save
    if not isinstance(outcome, Saved):
        raise DemoLoadError(f"{label} was refused: {outcome}")
    steps = [(national, ReportAction.SUBMIT), (finance, ReportAction.APPROVE)]
    if period != LAST_YEAR:
        steps.append((finance, ReportAction.LOCK))
    for actor, action in steps:
        await service.transition_report(
            hub,
            actor,
            entity=national.entity or "",
            period=period,
            dataset=dataset,
            action=action,
            reason=reason,
        )


def demo_problems(hub: Hub) -> list[str]:
    """Why the demo data cannot be loaded into this network (it describes the Smart network of
    the 2024 annual report): checked before anything is written."""
    problems = []
    entities = hub.registry.entities
    for row in NETWORK_TABLE:
        config = entities.get(row.entity)
        if config is None:
            problems.append(f"the network has no entity {row.entity}")
        elif config.currency != row.currency:
            problems.append(
                f"{row.entity} keeps its books in {config.currency} here, the demo's in "
                f"{row.currency}"
            )
        kpis = {v.kpi for v in (*values_2023(row), *values_2024(row), *row.extra_2024)}
        for kpi in sorted(kpis - set(hub.registry.kpis)):
            problems.append(f"the network defines no KPI {kpi!r}, which the demo reports")
    if hub.registry.group_currency != "EUR":
        problems.append(f"the group currency is {hub.registry.group_currency}, the demo's EUR")
    problems += demo_register_problems(hub)
    return sorted(set(problems))


async def load_demo(hub: Hub) -> DemoLoad:
    """The demo data, then fresh credentials for its users (`load_demo_data`, then
    `renew_demo_credentials`)."""
    result = await load_demo_data(hub)
    credentials = await renew_demo_credentials(hub)
    result.tokens, result.passwords = credentials.tokens, credentials.passwords
    return result


@dataclass(frozen=True, slots=True)
class DemoCredentials:
    tokens: dict[str, str]  # demo user -> its one active token
    passwords: dict[str, str]  # demo user -> its password for /sign-in


async def renew_demo_credentials(hub: Hub) -> DemoCredentials:
    """A fresh token and password for every demo user, their earlier ones revoked. `hub demo`
    calls this once the server listens: a demo that cannot start leaves the running one's
    credentials alone."""
    tokens: dict[str, str] = {}
    passwords: dict[str, str] = {}
    async with hub.db.transaction() as connection:
        for user in demo_users(list(hub.registry.entities)):
            tokens[user.name] = await upsert_user(
                connection, user.name, user.role, user.entity, rules=hub.auth.tokens
            )
            passwords[user.name] = await UserAdmin.of(hub, connection, SYSTEM).set_password(
                user.name
            )
    return DemoCredentials(tokens, passwords)


async def load_demo_data(hub: Hub) -> DemoLoad:
    """Idempotent: reports already present are left alone; demo users are created when missing,
    with no credentials shown (`renew_demo_credentials` gives them). A network the demo data
    does not fit is refused, naming why, before anything is written."""
    problems = demo_problems(hub)
    if problems:
        raise DemoLoadError(
            "the demo data describes the Smart network of the 2024 annual report and does not "
            f"fit this configuration ({'; '.join(problems)}): run `hub serve` for your own "
            "network"
        )
    result = DemoLoad()
    principals: dict[str, Principal] = {}
    async with hub.db.transaction() as connection:
        admin = UserAdmin.of(hub, connection, SYSTEM)
        for user in demo_users(list(hub.registry.entities)):
            if await admin.exists(user.name):
                await admin.change_role(user.name, user.role, user.entity)
            else:
                await admin.create(user.name, user.role, user.entity, label="demo user")
            principal = await principal_by_name(connection, user.name)
            if principal is None:
                raise DemoLoadError(f"the demo user {user.name} is disabled: enable it")
            result.roles[user.name] = user.role
            principals[user.entity or user.name] = principal
        for code, config in hub.registry.entities.items():
            if config.reporting is ReportingMode.NODE:
                await ensure_node_user(connection, SYSTEM, code)
                node = await principal_by_name(connection, node_user_name(code))
                if node is None:
                    raise DemoLoadError(f"the node user of {code} is disabled: enable it")
                principals[code] = node
                result.through_nodes.append(
                    f"{code}: its figures saved and submitted by {node.name}, as its node's "
                    "envelopes would be; its national export is imported on its node"
                )
    finance = principals["finance"]
    for row in NETWORK_TABLE:
        national = principals[row.entity]
        reports = (
            ("2021", operating_result(row.entity, row.currency, 2021)),
            ("2022", operating_result(row.entity, row.currency, 2022)),
            ("2023", values_2023(row) + operating_result(row.entity, row.currency, 2023)),
            ("2024", values_2024(row) + operating_result(row.entity, row.currency, 2024)),
        )
        for period, values in reports:
            if not values:
                continue
            label = f"{row.entity} {period}"
            if await service.latest_version(hub, row.entity, period, Dataset.KPI) is not None:
                result.already_there.append(label)
                continue
            submission = KpiSubmissionIn(
                entity=row.entity,
                period=period,
                values=values,
                source="demo",
                comment="Demo data: figures of the 2024 annual report",
            )
            await _publish(
                hub,
                national,
                finance,
                label,
                Dataset.KPI,
                period,
                service.save_kpi_values(hub, national, submission),
            )
            result.submitted.append(label)
    await load_demo_rates(hub)
    await load_demo_programmes(hub, finance)
    for row in NETWORK_TABLE:
        for period in PERIODS:
            await _statements(hub, principals[row.entity], finance, row.entity, period, result)
    await _correction_under_way(hub, principals["IT"], finance, result)
    result.consolidation = await sign_off_2023(hub, finance)
    result.consolidated = await summary(hub, finance)
    await _national_exports(hub, principals, result)
    return result


async def _national_exports(hub: Hub, principals: dict[str, Principal], result: DemoLoad) -> None:
    """Belgium's CSV trial balance (with the column profile the hub proposes, saved), Sweden's
    SIE export and Germany's DATEV batch for the first quarter of 2025, imported by their teams
    as drafts (hub/demo/exports.py)."""
    for entity, quarter in exports.QUARTERS.items():
        if hub.registry.entities[entity].reporting is ReportingMode.NODE:
            continue
        label = f"{entity} statements {exports.PERIOD}"
        if await service.latest_version(hub, entity, exports.PERIOD, Dataset.STATEMENTS):
            result.already_there.append(label)
            continue
        chart = hub.countries[entity].profile.chart_of_accounts
        balances = exports.opening(entity, chart, hub.group_chart, quarter.result_carried)
        book = exports.vouchers(quarter)
        names = {
            code: listed.label
            for code in {*(a for a, _ in balances), *(a for v in book for a, _ in v.rows)}
            if (listed := chart.account(code)) is not None
        }
        plain = exports.by_account(balances)
        if entity == "SE":
            format_name = "sie"
            company = hub.registry.entities[entity].name
            sources = [
                Source(
                    name="smart-sweden-2025.se",
                    data=exports.sie_export(company, names, plain, book),
                )
            ]
        elif entity == "DE":
            format_name = "datev"
            sources = [
                Source(name="EXTF_Buchungsstapel.csv", data=exports.datev_export(plain, book)),
                Source(name="EXTF_Kontenbeschriftungen.csv", data=exports.datev_names(names)),
            ]
        else:
            format_name = "csv"
            sources = [
                Source(
                    name="balance-2025-03-31.csv",
                    data=exports.csv_export(names, balances, book),
                )
            ]
            # As a team does once: the hub proposes the column profile, the team saves it.
            proposed = await profiles.propose(hub, principals[entity], entity, sources[0])
            if proposed.profile is None:
                raise DemoLoadError(f"{label}: no column profile detected: {proposed}")
            await profiles.save(hub, principals[entity], entity, proposed.profile)
        report = await import_ledger(
            hub,
            principals[entity],
            entity,
            exports.PERIOD,
            format_name,
            sources,
            comment="Demo: the first quarter of 2025 as the national accounting export gives it",
        )
        if not report.accepted:
            raise DemoLoadError(
                f"{label}: the demo's {format_name} export was refused: "
                + "; ".join(p.message for p in report.problems)
            )
        result.imported.append(
            f"{entity} {exports.PERIOD} from its {format_name.upper()} export (draft version "
            f"{report.version}, {report.accounts} accounts, {report.derived_from})"
        )


async def _statements(
    hub: Hub, national: Principal, finance: Principal, entity: str, period: str, result: DemoLoad
) -> None:
    """Belgium's published statement lines with the trial balance that aggregates to them; a
    partner's illustrative trial balance (hub/demo/ledgers.py)."""
    label = f"{entity} statements {period}"
    if await service.latest_version(hub, entity, period, Dataset.STATEMENTS) is not None:
        result.already_there.append(label)
        return
    published = entity == PARENT
    statements = StatementsIn(
        entity=entity,
        period=period,
        lines=belgian_lines(period) if published else (),
        trial_balance=trial_balance(
            entity,
            period,
            hub.registry.entities[entity].currency,
            hub.countries[entity].profile.chart_of_accounts,
            hub.group_chart,
        ),
        source="demo",
        comment=(
            "Published consolidated statements, annual report 2024, and the trial balance "
            "that aggregates to them (its intra-network rows are illustrative)"
            if published
            else "Illustrative trial balance: only its turnover is published (the KPI)"
        ),
    )
    await _publish(
        hub,
        national,
        finance,
        label,
        Dataset.STATEMENTS,
        period,
        service.save_statements(hub, national, statements),
        reason=DEMO_REASON if published else ILLUSTRATIVE_REASON,
    )
    result.submitted.append(label)


# A report being corrected, so that the demo shows who sees what: the board and the other teams
# keep seeing the published version while Italy's team and finance work on the draft.
CORRECTED = ("IT", "2022", -310_000)
CORRECTION_REASON = "Demo: the 2022 operating result is corrected after the audit"


async def _correction_under_way(
    hub: Hub, national: Principal, finance: Principal, result: DemoLoad
) -> None:
    entity, period, amount = CORRECTED
    if await service.latest_version(hub, entity, period, Dataset.KPI) != 1:
        return
    await service.transition_report(
        hub,
        finance,
        entity=entity,
        period=period,
        dataset=Dataset.KPI,
        action=ReportAction.REOPEN,
        reason=CORRECTION_REASON,
    )
    [published] = operating_result(entity, hub.registry.entities[entity].currency, 2022)
    correction = KpiSubmissionIn(
        entity=entity,
        period=period,
        values=(
            msgspec.structs.replace(
                published,
                amount=Decimal(amount),
                note="Demo: a correction under review; only Italy's team and finance see it",
            ),
        ),
        source="demo",
        comment=CORRECTION_REASON,
        base_version=1,
    )
    outcome = await service.save_kpi_values(hub, national, correction)
    if not isinstance(outcome, Saved):
        raise DemoLoadError(f"{entity} {period} correction was refused: {outcome}")
    result.corrections.append(
        f"{entity} {period} KPIs: version 2 is a draft correction (operating result "
        f"{amount:,}); the board and the other teams still see the published version 1"
    )
