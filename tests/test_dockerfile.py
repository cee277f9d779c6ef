"""The Dockerfile stays simple and correct: hadolint-clean, non-root, with a healthcheck."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_as_non_root_with_healthcheck_and_no_secrets():
    text = (ROOT / "Dockerfile").read_text()
    assert "USER 10001" in text
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert "AS build" in text and "AS runtime" in text
    for secret in ("SIGNING_KEYS", "WECHAT_SECRET=", "FIELD_ENCRYPTION_KEY="):
        assert secret not in text


def test_image_copies_every_package_the_service_imports():
    text = (ROOT / "Dockerfile").read_text()
    packages = {
        p.name
        for p in ROOT.iterdir()
        if (p / "__init__.py").exists() and p.name not in ("tests", "bench")
    }
    for package in packages:
        assert f"COPY {package} ./{package}" in text, package
