"""The base of the refusals a caller causes: each says the code its GraphQL error carries and,
where HTTP answers it directly, its status. The hub's GraphQL schema and HTTP handlers
(hub/api/errors.py, hub/api/failures.py) read these, so they need not know the domain's
exceptions, and the domain need not know GraphQL."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, ClassVar


class Refusal(Exception):
    """The caller's mistake or a request the rules refuse: never a bug, never a traceback."""

    code: ClassVar[str] = "BAD_USER_INPUT"
    # The answer of an HTTP route that lets it escape; None: such a route is a bug (500).
    http_status: ClassVar[HTTPStatus | None] = None

    def extensions(self) -> dict[str, Any]:
        """What the GraphQL error carries besides the message."""
        return {"code": self.code}


class ProblemsRefusal(Refusal):
    """A refusal that lists every problem found, for GraphQL's `problems` too."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))

    def extensions(self) -> dict[str, Any]:
        return {"code": self.code, "problems": self.problems}
