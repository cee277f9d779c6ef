"""The migrations hold exactly the models: a model change without a migration fails here."""

from __future__ import annotations


async def test_models_and_migrations_agree(app):
    from tortoise import Tortoise
    from tortoise.migrations.autodetector import MigrationAutodetector

    from app.domains import tortoise_config
    from kernel.settings import get_settings

    config = tortoise_config(get_settings())
    detector = MigrationAutodetector(Tortoise.apps, config["apps"])
    writers = await detector.changes()
    pending = [op.describe() for writer in writers for op in writer.operations]
    assert pending == []
