"""The domain packages the shell serves: their APIs, and the modules that register jobs."""

from __future__ import annotations

import activities.jobs  # noqa: F401  (registers its jobs)
import credits.recognition.jobs  # noqa: F401  (registers award-badges and honour-roll)
from activities.routes import APIS as ACTIVITIES_APIS
from app.core.http import Api
from credits.recognition.routes import api as recognition_api
from credits.routes import api as credits_api

APIS: list[Api] = [*ACTIVITIES_APIS, credits_api, recognition_api]
