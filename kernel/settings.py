"""The one settings object: every configurable value is read from the environment here."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class SubscribeTemplate(BaseModel):
    """One WeChat subscribe-message template: its id, the mini-program page it opens, and
    which payload key fills each template keyword."""

    model_config = ConfigDict(extra="forbid")

    template_id: str = Field(min_length=1)
    page: str = ""
    fields: dict[str, str] = Field(min_length=1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    app_env: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite://{PROJECT_ROOT / 'var' / 'civility.sqlite3'}"
    # Connections each worker process may hold (`serve --workers N` runs N pools) ...
    database_pool_size: int = Field(default=10, ge=1, le=200)
    # ... or, when set, the connections all the web workers may hold together: `serve` gives
    # each worker its share (at least 2), so PostgreSQL's max_connections is planned once.
    database_pool_total: int = Field(default=0, ge=0, le=2000)
    var_dir: Path = PROJECT_ROOT / "var"
    public_base_url: str = "http://127.0.0.1:8000"
    # What the check-in QR holds before the short code: by default `{PUBLIC_BASE_URL}/c/`
    # (a link WeChat opens in the mini-program when the prefix is configured there), or a
    # mini-program path such as `pages/checkin/index?c=`.
    checkin_link_base: str = ""
    # What the page at `/c/<code>` (a check-in QR scanned with WeChat's camera or a phone's
    # browser) offers to open the mini-program with: a URL Scheme or URL Link of the
    # mini-program's check-in page, `{code}` standing for the scanned code (URL-encoded), e.g.
    # `weixin://dl/business/?appid=wx…&path=pages/checkin/index&query=c%3D{code}`. Empty: the
    # page says how to open the mini-program and scan again.
    checkin_miniprogram_link: str = ""
    # The mini-program's name, as residents find it in WeChat.
    miniprogram_name: str = ""
    local_timezone: str = "Asia/Shanghai"

    wechat_appid: str = ""
    wechat_secret: str = ""
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_timeout_seconds: float = 5.0
    # Subscribe messages: which template each notification topic uses, and how its payload
    # fills the template's keywords, e.g. {"badge_awarded": {"template_id": "…",
    # "page": "pages/badges/index", "fields": {"thing1": "badge_name", "time2": "awarded_at"}}}.
    # A topic without a template is not sent to WeChat (it is logged).
    wechat_subscribe_templates: dict[str, SubscribeTemplate] = Field(default_factory=dict)
    wechat_miniprogram_state: Literal["developer", "trial", "formal"] = "formal"
    # The cached access_token is refreshed this long before WeChat says it expires.
    wechat_token_refresh_margin_seconds: int = Field(default=300, ge=0, le=3600)

    # An identity service for real-name verification (二要素核验: does this ID number belong to
    # this name?), besides a worker seeing the ID card in person. Empty URL: none configured.
    # The service is called `POST {IDENTITY_SERVICE_URL}` with `{"name", "id_number"}` and the
    # token as `Authorization: Bearer …`, and answers `{"result": "match" | "no_match"}`.
    identity_service_url: str = ""
    identity_service_token: str = ""
    # Recorded on the resident as `service:<name>` when it verifies them.
    identity_service_name: str = "identity-service"
    identity_service_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # Checks one resident may ask for in 24 hours (each may cost the programme money).
    identity_checks_per_day: int = Field(default=3, ge=1, le=100)

    # Signing keys: PEM text of Ed25519 private keys; the first signs, all verify.
    signing_keys: list[str] = Field(default_factory=list)
    # The keys of public credentials (Open Badges) and their status lists, apart from the
    # token keys: the first signs, all are published so older credentials still verify.
    credential_signing_keys: list[str] = Field(default_factory=list)
    # Key for encrypting personal data at rest (Fernet, urlsafe base64, 32 bytes).
    field_encryption_key: str = ""
    # Key for the keyed hash that finds a resident by ID number without decrypting.
    lookup_hash_key: str = ""

    jwt_issuer: str = "civility-platform"
    jwt_audience: str = "civility-api"
    access_token_seconds: int = Field(default=900, ge=60, le=86400)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    # The staff console's sign-in (docs/security.md, "Console sessions"): it ends after this
    # many minutes without a request from the person and, used or not, this many hours after
    # signing in. Fractions are allowed (tests use seconds).
    console_idle_minutes: float = Field(default=30, gt=0, le=24 * 60)
    console_session_hours: float = Field(default=12, gt=0, le=7 * 24)
    # How long a worker may reuse a caller's principal (role, scope, login not revoked);
    # changes reach every worker at once through PostgreSQL's NOTIFY. 0: load it every time.
    principal_cache_seconds: float = Field(default=30.0, ge=0, le=300)

    # Failed logins allowed per (account, client address) and per client address in the
    # window; password checks one client address may have running at once; argon2 hashes
    # the process computes at once (about one per core).
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=900, ge=10)
    login_max_attempts_per_address: int = Field(default=30, ge=1)
    login_concurrent_per_address: int = Field(default=1, ge=1)
    # WeChat logins (docs/security.md): failed codes one address may send in the window
    # before its logins must carry a proof of work; the proof's zero bits at first and at
    # most (one more per further budget's worth of failures); how long a challenge lasts.
    wechat_login_free_failures: int = Field(default=100, ge=1)
    wechat_login_proof_bits: int = Field(default=16, ge=1, le=32)
    wechat_login_proof_max_bits: int = Field(default=20, ge=1, le=32)
    wechat_login_proof_seconds: int = Field(default=300, ge=10, le=3600)
    password_hash_concurrency: int = Field(default=2, ge=1, le=64)
    # Queries one partner bank's client may make (docs/moral-bank-partners.md, "Query
    # budgets"): in a clock minute, and in a day of the city's calendar (Beijing time).
    partner_queries_per_minute: int = Field(default=60, ge=1)
    partner_queries_per_day: int = Field(default=2000, ge=1)
    # Tokens one partner bank's client may be given (docs/moral-bank-partners.md, "Token
    # budgets"): a token lasts five minutes and a client reuses it, so a few suffice.
    partner_tokens_per_minute: int = Field(default=6, ge=1)
    partner_tokens_per_day: int = Field(default=500, ge=1)

    # The HTTP server `python -m app serve` runs the service under when `--server` is not
    # given (docs/speed.md, "The HTTP server by measurement").
    http_server: Literal["granian", "uvicorn"] = "granian"
    # The reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or
    # networks); empty: none, the peer address is the client.
    forwarded_allow_ips: str = ""

    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    uploads_per_day: int = Field(default=60, ge=1)
    certificates_per_day: int = Field(default=5, ge=1)
    # Refused real-name verifications a resident may have in 24 hours (docs/security.md).
    real_name_failures_per_day: int = Field(default=5, ge=1)

    scheduler_enabled: bool = True
    # Operator overrides of job schedules: {"award-badges": "*/10 * * * *"}.
    job_schedules: dict[str, str] = Field(default_factory=dict)
    notification_max_attempts: int = Field(default=6, ge=1)

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> Settings:
        if self.app_env != "production":
            return self
        missing = [
            name
            for name, value in (
                ("SIGNING_KEYS", self.signing_keys),
                ("CREDENTIAL_SIGNING_KEYS", self.credential_signing_keys),
                ("FIELD_ENCRYPTION_KEY", self.field_encryption_key),
                ("LOOKUP_HASH_KEY", self.lookup_hash_key),
                ("WECHAT_APPID", self.wechat_appid),
                ("WECHAT_SECRET", self.wechat_secret),
            )
            if not value
        ]
        if missing:
            raise ValueError(f"production needs these settings: {', '.join(missing)}")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def dev_wechat_login(self) -> bool:
        """`dev-<openid>` codes log in only in development, and only without WeChat set up."""
        return self.app_env in ("development", "test") and not self.wechat_appid


_current: Settings | None = None


def configure(settings: Settings) -> Settings:
    """Makes `settings` the process's settings (the app factory, the CLI and tests call this)."""
    global _current
    _current = settings
    return settings


def get_settings() -> Settings:
    global _current
    if _current is None:
        _current = Settings()
    return _current
