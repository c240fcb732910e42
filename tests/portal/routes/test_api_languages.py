"""The API accepts every language that has a catalog, and names the field otherwise."""

from __future__ import annotations


def test_profile_language_is_any_configured_language(make_ctx, client_for, sqlite_url) -> None:
    client = client_for(make_ctx(sqlite_url))
    for lang in ("ja", "en", "zh", "ko", "vi"):
        reply = client.post("/api/v1/profiles", json={"categories": ["waste"], "language": lang})
        assert reply.status_code == 201 and reply.json()["language"] == lang
    refused = client.post("/api/v1/profiles", json={"categories": ["waste"], "language": "fr"})
    assert refused.status_code == 422 and "language" in refused.text
    assert client.get("/api/v1/categories", params={"lang": "ko"}).status_code == 200
