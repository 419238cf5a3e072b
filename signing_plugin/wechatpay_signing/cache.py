"""The platform certificates on disk: one ``<serial>.pem`` each, so that a restart need not download them again.

The folder is made 0700 and each file written atomically (a temporary file, then a rename) and readable by the
owner only. A certificate read back is kept only if it is valid now and has the serial its file is named by.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection
from pathlib import Path

from .downloader import PlatformCertificate
from .keys import certificate_serial, load_certificate


class CertificateCache:
    """A folder of platform certificates by serial."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, now: float) -> tuple[list[PlatformCertificate], float] | None:
        """The cached certificates valid at ``now``, and when they were written; None when none is usable.

        The certificates are as fresh as the download that wrote them: the time lets the store keep its schedule.
        """
        if not self.folder.is_dir():
            return None
        files = sorted(self.folder.glob("*.pem"))
        cached = [PlatformCertificate(f.stem.upper(), load_certificate(f.read_bytes())) for f in files]
        valid = [c for c in cached if c.valid_at(now) and certificate_serial(c.certificate) == c.serial]
        if not valid:
            return None
        return valid, max(f.stat().st_mtime for f in files)

    def save(self, certificates: Collection[PlatformCertificate]) -> None:
        """Write these certificates and remove any other from the folder."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        for certificate in certificates:
            descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".pem")
            with os.fdopen(descriptor, "wb") as file:  # mkstemp makes it 0600
                file.write(certificate.pem())
            os.replace(temporary, self.folder / f"{certificate.serial}.pem")
        kept = {certificate.serial for certificate in certificates}
        for stale in self.folder.glob("*.pem"):
            if stale.stem.upper() not in kept:
                stale.unlink()
