"""Schemathesis hooks for the fuzz suite (loaded through SCHEMATHESIS_HOOKS): credentials are
served as `application/vc`, JSON that schemathesis does not know by name."""

from __future__ import annotations

import json
from typing import Any

import schemathesis


@schemathesis.deserializer("application/vc")
def verifiable_credential(ctx: Any, response: Any) -> Any:
    return json.loads(response.content)
