"""The JSON API contract: shapes, validation, erasure."""

from __future__ import annotations

import pytest


@pytest.fixture
def client(sqlite_url, make_ctx, client_for):
    return client_for(make_ctx(sqlite_url))


def test_categories_list_the_taxonomy(client) -> None:
    cats = client.get("/api/v1/categories").json()
    slugs = [c["slug"] for c in cats]
    assert "childcare" in slugs and "disaster" in slugs
    assert all(c["label"] and c["description"] for c in cats)
    en = client.get("/api/v1/categories?lang=en").json()
    assert en[slugs.index("childcare")]["label"] == "Childcare & education"


def test_profile_lifecycle_export_and_erase(client) -> None:
    created = client.post("/api/v1/profiles", json={
        "categories": ["waste"], "areas": [], "life_stages": ["senior"], "keywords": ["粗大ごみ"],
        "language": "en",
    })
    assert created.status_code == 201
    pid = created.json()["id"]
    exported = client.get(f"/api/v1/profiles/{pid}").json()
    assert exported["categories"] == ["waste"] and exported["keywords"] == ["粗大ごみ"]
    assert exported["language"] == "en" and exported["life_stages"] == ["senior"]
    assert client.delete(f"/api/v1/profiles/{pid}").status_code == 204
    assert client.get(f"/api/v1/profiles/{pid}").status_code == 404
    assert client.get(f"/api/v1/profiles/{pid}/feed").status_code == 404
    assert client.delete(f"/api/v1/profiles/{pid}").status_code == 404


def test_ids_are_unguessable_and_distinct(client) -> None:
    ids = {client.post("/api/v1/profiles", json={"categories": ["tax"]}).json()["id"]
           for _ in range(20)}
    assert len(ids) == 20 and all(len(i) >= 22 for i in ids)


@pytest.mark.parametrize(("body", "field"), [
    ({"categories": ["no-such-category"]}, "categories"),
    ({"categories": "childcare"}, "categories"),
    ({"categories": ["childcare"], "areas": ["atlantis"]}, "areas"),
    ({"categories": ["childcare"], "life_stages": ["astronaut"]}, "life_stages"),
    ({"categories": ["childcare"], "language": "fr"}, "language"),
    ({"categories": ["childcare"], "keywords": [""]}, "keywords"),
    ({"categories": ["childcare"], "unexpected": 1}, "unexpected"),
])
def test_bad_profiles_get_422_naming_the_field(client, body, field) -> None:
    response = client.post("/api/v1/profiles", json=body)
    assert response.status_code == 422
    assert field in response.text


def test_bad_requests_never_500(client) -> None:
    pid = client.post("/api/v1/profiles", json={"categories": ["tax"]}).json()["id"]
    assert client.post("/api/v1/profiles", content=b"{not json",
                       headers={"content-type": "application/json"}).status_code == 422
    assert client.get(f"/api/v1/profiles/{pid}/feed?limit=abc").status_code == 422
    assert client.get(f"/api/v1/profiles/{pid}/feed?limit=100000").status_code == 422
    assert client.get("/api/v1/profiles/" + "x" * 500 + "/feed").status_code == 404
    bodies = [
        {"article_id": "1", "kind": "explode"},
        {"article_id": "99999999999", "kind": "save"},
        {"article_id": "abc", "kind": "save"},
        {"article_id": "12345", "kind": "save"},
    ]
    for body in bodies:
        response = client.post(f"/api/v1/profiles/{pid}/feedback", json=body)
        assert response.status_code == 422, (body, response.text)


def test_health_metrics_and_openapi(client) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["sql"] == "ok" and health.json()["cache"]["backend"] == "memory"
    client.get("/api/v1/categories")
    metrics = client.get("/metrics").text
    assert "# HELP mymachi_http_requests_total" in metrics
    assert "/api/v1/profiles/{profile_id}/feed" in client.get("/openapi.json").text
