"""How a sandbox is set up: its credentials, fixtures, signing mode and the fault it injects."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .credentials import SandboxCredentials
from .signing import Merchant

DEFAULT_FIXTURES = Path(__file__).with_name("face_collections.json")


@dataclass
class SandboxConfig:
    credentials: SandboxCredentials
    fixtures: Path = DEFAULT_FIXTURES
    certificate_mode: bool = False
    fault: str | None = None
    slow_seconds: float = 3.0
    extra_merchants: list[Merchant] = field(default_factory=list)
    apiv3_key: str | None = field(default=None, repr=False)
    # Certificate mode: which platform certificate signs (an index; the newest by default). Read on every request,
    # so a test can rotate the signer while the sandbox runs.
    signing_platform: int = -1
    # List an expired certificate in /v3/certificates too (signed answers never use it).
    expired_certificate: bool = False
