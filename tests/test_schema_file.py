"""`graphql/schema.graphql` is the contract: it must match the code."""

from hub.assembly.schema import schema_sdl
from tests.conftest import REPO


def test_the_committed_sdl_matches_the_code() -> None:
    committed = (REPO / "graphql" / "schema.graphql").read_text(encoding="utf-8")
    assert committed == schema_sdl(), "run `hub schema --output graphql/schema.graphql`"
