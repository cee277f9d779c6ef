from __future__ import annotations


async def test_healthz_answers_while_the_process_lives(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_answers_when_the_database_does(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "up"
