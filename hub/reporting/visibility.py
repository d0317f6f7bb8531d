"""Who may see which version of a report: the one rule, as the SQL every repository shares.

A version is *published* when it was itself approved (it has a row in `publication`); approving
a later version publishes that one only, so a version finance returned and nobody approved stays
unpublished for good. For each entity a caller either reads drafts (its own entity for a
national team; every entity for finance and admins: `hub.auth.policy.draft_readers`) or not:

| the caller             | versions it sees   | by default              | status it sees       |
|------------------------|--------------------|-------------------------|----------------------|
| reads the drafts       | all                | the latest              | the report's status  |
| does not               | the published ones | the last one published  | the published status |

and of the workflow history, a caller without draft rights sees only what led to a published
version (its save, submission, approval and lock), never a return, a withdrawal or a reopening.

Every fragment expects the parameter `$drafts` (text[]: the entities whose drafts the caller
reads) and the aliases its docstring names; `numbered` turns named parameters into `$1, $2…`.
"""

from __future__ import annotations

import re

# The version of report `r` a caller sees when it names none.
DEFAULT_VERSION = """
(case when r.entity_code = any($drafts::text[]) then r.latest_version
      else r.approved_version end)
"""

# Whether the caller may read submission `s`.
READABLE = """
(s.entity_code = any($drafts::text[])
 or exists (select 1 from publication p where p.submission_id = s.id))
"""

# Whether the caller may see report `r` at all (outsiders: once a version is published).
REPORT_VISIBLE = """
(r.entity_code = any($drafts::text[]) or r.approved_version is not null)
"""

# The status of report `r` as the caller sees it.
SHOWN_STATUS = """
(case when r.entity_code = any($drafts::text[]) then r.status else r.published_status end)
"""

# The workflow steps that make a version public, once it is published.
PUBLIC_ACTIONS = ("save", "submit", "approve", "lock")

# Whether the caller may see workflow event `e`.
EVENT_VISIBLE = f"""
(e.entity_code = any($drafts::text[])
 or (e.action in ({", ".join(f"'{a}'" for a in PUBLIC_ACTIONS)})
     and exists (select 1 from publication p
                 where (p.entity_code, p.period, p.dataset, p.version)
                     = (e.entity_code, e.period, e.dataset, e.version))))
"""


def numbered(query: str, *names: str) -> str:
    """Numbered parameters from named ones (`$entities`), numbered in the order given."""
    for index, name in enumerate(names, start=1):
        query = re.sub(rf"\${name}\b", f"${index}", query)
    return query
