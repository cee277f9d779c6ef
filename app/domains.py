"""The domain packages the shell serves: their model modules, their APIs, and the modules that
register jobs."""

from __future__ import annotations

from typing import Any

import activities.jobs  # noqa: F401  (registers its jobs)
import campaigns.jobs  # noqa: F401  (registers campaigns-rollup)
import credits.recognition.jobs  # noqa: F401  (registers award-badges and honour-roll)
import oversight.jobs  # noqa: F401  (registers oversight-rectification and oversight-lists)
from activities.routes import APIS as ACTIVITIES_APIS
from campaigns.routes import api as campaigns_api
from credits.recognition.routes import api as recognition_api
from credits.routes import api as credits_api
from kernel import db
from kernel.http import Api
from kernel.settings import Settings
from oversight.routes import api as oversight_api
from quiz.routes import api as quiz_api

APIS: list[Api] = [*ACTIVITIES_APIS, credits_api, recognition_api, oversight_api, campaigns_api]
APIS.append(quiz_api)

# Every domain module holding models (the kernel adds its own): one Tortoise app, so that one
# migration history covers them.
MODEL_MODULES = (
    "accounts.models",
    "credits.models",
    "activities.models",
    "credits.recognition.models",
    "oversight.models",
    "console.models",
    "quiz.models",
    "campaigns.models",
)


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return db.tortoise_config(settings, MODEL_MODULES)
