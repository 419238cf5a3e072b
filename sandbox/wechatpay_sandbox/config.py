"""How a sandbox is set up: its credentials, fixtures, signing mode and the fault it injects."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa

from .credentials import SandboxCredentials
from .notifications import WECHAT_RETRY_DELAYS
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
    # Where notifications go (None: nowhere), and the seconds between redeliveries after a failed one. Read at each
    # notification, so a test can point them at its own receiver while the sandbox runs.
    notify_url: str | None = None
    notify_retry_delays: tuple[float, ...] = WECHAT_RETRY_DELAYS
    # The business state (business.py) is kept in this SQLite file across restarts; None keeps it in memory.
    state_file: Path | None = None

    def signing_key(self) -> tuple[rsa.RSAPrivateKey, str]:
        """The key that signs answers and notifications, and its serial: the public key's, or in certificate mode
        the configured platform certificate's."""
        if self.certificate_mode:
            platform = self.credentials.platform_certificates[self.signing_platform]
            return platform.private_key, platform.serial
        return self.credentials.public_key_private, self.credentials.public_key_id
