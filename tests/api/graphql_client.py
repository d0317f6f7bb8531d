"""Posting GraphQL over HTTP to the real app, as a client would."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient


async def gql(
    client: AsyncTestClient[Any], token: str, query: str, **variables: Any
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result


def error_messages(body: dict[str, Any]) -> list[str]:
    return [error["message"] for error in body.get("errors", [])]
