"""The platform certificates on disk, so that a restarted service need not download them again.

A cache folder is a way into the verifier unless it is checked, so:

- Only ``wechatpay-certificates.json`` is read back. It holds the merchant ID, the certificates (PEM) and the time
  of their download, with an HMAC-SHA256 under the merchant's APIv3 key (``cache_tag``): a file anyone else wrote,
  another merchant's cache, or an edited one is not trusted. The download time is inside it, never a file's mtime,
  and a time in the future is refused.
- The folder must be a real folder (not a symbolic link), owned by this user and not writable by group or others,
  and no folder above it may let another user swap it (``_unsafe_parent``); otherwise ``CertificateCacheError`` (a
  ``ConfigurationError``). Files are opened with ``O_NOFOLLOW`` relative to the
  opened folder, and must be regular files of this user, not writable by others.
- Files are written atomically (a ``.wechatpay-tmp-*`` file, 0600 from the start, then a rename) and nothing but this
  package's own files is removed: ``<SERIAL>.pem`` files it listed in its last ``wechatpay-certificates.json``, and
  its own temporary files once a minute old. Each certificate is also written as ``<SERIAL>.pem`` for people and
  other tools; those files are never read back. A folder that holds another user's file is refused, never changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from .downloader import PlatformCertificate
from .errors import ConfigurationError
from .keys import certificate_serial, load_certificate
from .logs import logger
from .text import shown

MANIFEST = "wechatpay-certificates.json"
"""The one file read back: the certificates, the merchant and the download time, under an HMAC."""
CACHE_FORMAT = 1
_TEMPORARY_PREFIX = ".wechatpay-tmp-"
_SERIAL = re.compile(r"[0-9A-F]{1,64}")
_HMAC_CONTEXT = b"wechatpay-signing certificate cache\n"
_LEFTOVER_AGE = 60.0  # seconds: an older temporary file is no write in progress
_MAX_MANIFEST_BYTES = 1 << 20  # a few certificates take a few KiB
_GROUP_OR_OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH


class CertificateCacheError(ConfigurationError):
    """The certificate cache folder, or a file in it, cannot be used safely or written; ``path`` names it."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"certificate cache {shown(str(path), 500)!r}: {problem}")
        self.path = path


def canonical_json(content: dict[str, Any]) -> bytes:
    """The bytes the cache's HMAC covers: sorted keys, no spaces, ASCII."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def cache_tag(apiv3_key: bytes, content: dict[str, Any]) -> str:
    """HMAC-SHA256, under the APIv3 key, of a fixed context line followed by the content's canonical JSON; hex."""
    return hmac.new(apiv3_key, _HMAC_CONTEXT + canonical_json(content), hashlib.sha256).hexdigest()


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _unsafe_parent(folder: Path) -> str | None:
    """Why another user could swap ``folder`` for one of theirs through a folder above it, or None.

    As OpenSSH's StrictModes: every folder above it must belong to root or to this user, and be writable by no one
    else unless its sticky bit is set (as /tmp's is: others can then rename or remove only what they own). Both the
    folders on the path as given (one holding a symbolic link decides where the link points) and those on the path
    with the links resolved are checked. A folder not made yet has nothing to check.
    """
    given = Path(os.path.abspath(folder)).parent
    # From the folder itself, not from ``given``: in link/.. the system follows the link before it goes up.
    resolved = Path(os.path.realpath(folder)).parent
    for above in dict.fromkeys([given, *given.parents, resolved, *resolved.parents]):
        try:
            found = os.lstat(above)
        except FileNotFoundError:
            continue
        except OSError as error:
            return f"the folder above it, {shown(str(above), 500)}, cannot be read: {error.strerror}"
        if stat.S_ISLNK(found.st_mode):
            continue  # its target is on the resolved path; the folder holding it, on the given one
        if found.st_uid not in (0, os.geteuid()):
            return (
                f"the folder above it, {shown(str(above), 500)}, is owned by uid {found.st_uid}, who could replace"
                " the cache folder; use a folder whose parents belong to you or to root"
            )
        if found.st_mode & _GROUP_OR_OTHERS_WRITE and not found.st_mode & stat.S_ISVTX:
            return (
                f"the folder above it, {shown(str(above), 500)}, is writable by other users (mode"
                f" {stat.S_IMODE(found.st_mode):o}) without the sticky bit, so they could replace the cache folder;"
                " use a folder whose parents only you or root can write to"
            )
    return None


class CertificateCache:
    """A folder of platform certificates for one merchant (its ID and APIv3 key), checked before it is trusted."""

    def __init__(self, folder: Path, apiv3_key: bytes, mchid: str) -> None:
        self.folder = folder
        self._apiv3_key = apiv3_key
        self._mchid = mchid

    def __repr__(self) -> str:
        return f"CertificateCache(folder={str(self.folder)!r}, mchid={self._mchid!r})"

    # The folder.

    @contextlib.contextmanager
    def _opened(self, *, create: bool) -> Iterator[int | None]:
        """The folder, opened after checking it (None when it does not exist and ``create`` is false)."""
        problem = _unsafe_parent(self.folder)
        if problem is not None:
            raise CertificateCacheError(self.folder, problem)
        if create:
            try:
                self.folder.mkdir(mode=0o700, parents=True)
            except FileExistsError:
                pass  # checked below, whoever made it
            except OSError as error:
                raise CertificateCacheError(self.folder, f"cannot be created: {error.strerror}") from None
        try:
            found = os.lstat(self.folder)
        except FileNotFoundError:
            yield None
            return
        except OSError as error:
            raise CertificateCacheError(self.folder, f"cannot be read: {error.strerror}") from None
        if stat.S_ISLNK(found.st_mode):
            raise CertificateCacheError(self.folder, "is a symbolic link; give the real folder")
        if not stat.S_ISDIR(found.st_mode):
            raise CertificateCacheError(self.folder, "is not a folder")
        flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
        descriptor = self._os(lambda: os.open(self.folder, flags), self.folder, "cannot be opened")
        try:
            self._check(os.fstat(descriptor), self.folder, "folder")
            yield descriptor
        finally:
            os.close(descriptor)

    def _check(self, found: os.stat_result, path: Path, what: str) -> None:
        """Owned by this user and not writable by anyone else, or CertificateCacheError."""
        if found.st_uid != os.geteuid():
            raise CertificateCacheError(
                path, f"the {what} is owned by uid {found.st_uid}, not by this user (uid {os.geteuid()})"
            )
        if found.st_mode & _GROUP_OR_OTHERS_WRITE:
            raise CertificateCacheError(
                path, f"the {what} is writable by other users (mode {stat.S_IMODE(found.st_mode):o}); make it 0700"
            )

    @staticmethod
    def _os(action: Any, path: Path, doing: str) -> Any:
        try:
            return action()
        except OSError as error:
            raise CertificateCacheError(path, f"{doing}: {error.strerror or error}") from None

    def check(self) -> None:
        """Raise CertificateCacheError unless the folder (when it exists) is safe to read and to write in."""
        with self._opened(create=False) as folder:
            if folder is not None:
                self._foreign_files(folder)

    def _foreign_files(self, folder: int) -> None:
        try:
            found_all = [(name, os.stat(name, dir_fd=folder, follow_symlinks=False)) for name in os.listdir(folder)]
        except OSError as error:
            raise CertificateCacheError(self.folder, f"cannot be listed: {error.strerror}") from None
        for name, found in found_all:
            if found.st_uid != os.geteuid():
                raise CertificateCacheError(
                    self.folder / name,
                    f"the folder holds a file of uid {found.st_uid}, not of this user (uid {os.geteuid()}):"
                    " refusing to write beside another user's files",
                )

    # Reading.

    def load(self, now: float) -> tuple[list[PlatformCertificate], float] | None:
        """The cached certificates valid at ``now``, and when they were downloaded; None when none is usable.

        A folder that is not safe raises CertificateCacheError; a missing, foreign, damaged or unauthenticated
        ``wechatpay-certificates.json`` is logged and ignored (the certificates are downloaded again).
        """
        with self._opened(create=False) as folder:
            if folder is None:
                return None
            try:
                content = self._read_manifest(folder)
            except CertificateCacheError as error:
                logger.warning("ignored the platform certificate cache: %s", error)
                return None
            if content is None:
                return None
            downloaded_at = content["downloaded_at"]
            if downloaded_at > now:
                logger.warning(
                    "ignored the platform certificate cache %s: its download time is in the future",
                    shown(str(self.folder / MANIFEST)),
                )
                return None
            valid = [c for c in content["certificates"] if c.valid_at(now)]
            return (valid, float(downloaded_at)) if valid else None

    def _read_manifest(self, folder: int) -> dict[str, Any] | None:
        """The authenticated content of the manifest, its certificates parsed; None when there is none."""
        path = self.folder / MANIFEST
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        try:
            descriptor = os.open(MANIFEST, flags, dir_fd=folder)
        except FileNotFoundError:
            return None
        except OSError as error:  # ELOOP: a symbolic link
            raise CertificateCacheError(path, f"cannot be opened: {error.strerror}") from None
        with os.fdopen(descriptor, "rb") as file:
            found = os.fstat(descriptor)
            if not stat.S_ISREG(found.st_mode):
                raise CertificateCacheError(path, "is not a regular file")
            self._check(found, path, "file")
            data = self._os(lambda: file.read(_MAX_MANIFEST_BYTES + 1), path, "cannot be read")
        if len(data) > _MAX_MANIFEST_BYTES:
            raise CertificateCacheError(path, "is too large to be a certificate cache")
        try:
            stored = json.loads(data)
            content, tag = stored["content"], stored["hmac_sha256"]
            authentic = hmac.compare_digest(str(tag), cache_tag(self._apiv3_key, content))
        except (ValueError, TypeError, KeyError):
            raise CertificateCacheError(path, "is not a certificate cache file") from None
        if not authentic:
            raise CertificateCacheError(path, "its HMAC does not match: written without this merchant's APIv3 key")
        try:
            if content["format"] != CACHE_FORMAT or content["mchid"] != self._mchid:
                raise CertificateCacheError(path, "was written for another merchant or format")
            downloaded_at = content["downloaded_at"]
            if not isinstance(downloaded_at, int):
                raise TypeError
            certificates = []
            for pem in content["certificates"]:
                certificate = load_certificate(str(pem))
                certificates.append(PlatformCertificate(certificate_serial(certificate), certificate))
        except (TypeError, KeyError, ConfigurationError) as error:
            if isinstance(error, CertificateCacheError):
                raise
            raise CertificateCacheError(path, "holds something other than certificates") from None
        return {"downloaded_at": downloaded_at, "certificates": certificates}

    # Writing.

    def save(self, certificates: Collection[PlatformCertificate], downloaded_at: float) -> None:
        """Write these certificates as downloaded at ``downloaded_at``; raise CertificateCacheError, naming the
        file, when the folder is not safe or a write fails (nothing half-written is left)."""
        with self._opened(create=True) as folder:
            if folder is None:
                raise CertificateCacheError(self.folder, "was removed while being written")
            self._foreign_files(folder)
            try:
                previous = self._read_manifest(folder)
            except CertificateCacheError:
                previous = None
            self._remove_leftovers(folder, downloaded_at)
            for certificate in certificates:
                self._write(folder, f"{certificate.serial}.pem", certificate.pem())
            content = {
                "format": CACHE_FORMAT,
                "mchid": self._mchid,
                "downloaded_at": int(downloaded_at),
                "certificates": [c.pem().decode("ascii") for c in certificates],
            }
            stored = {"content": content, "hmac_sha256": cache_tag(self._apiv3_key, content)}
            self._write(folder, MANIFEST, json.dumps(stored, indent=1).encode("ascii"))
            kept = {c.serial for c in certificates}
            for old in previous["certificates"] if previous else []:
                # Only a file this package listed, under the name it gave it, is removed.
                if old.serial not in kept and _SERIAL.fullmatch(old.serial):
                    try:
                        os.unlink(f"{old.serial}.pem", dir_fd=folder)
                    except FileNotFoundError:
                        pass
                    except OSError as error:
                        raise CertificateCacheError(self.folder / f"{old.serial}.pem", str(error.strerror)) from None

    @staticmethod
    def _remove_leftovers(folder: int, now: float) -> None:
        """Remove what an earlier write cut short left behind; not a file another process is writing just now."""
        for name in os.listdir(folder):
            if name.startswith(_TEMPORARY_PREFIX):
                with contextlib.suppress(OSError):
                    if os.stat(name, dir_fd=folder, follow_symlinks=False).st_mtime < now - _LEFTOVER_AGE:
                        os.unlink(name, dir_fd=folder)

    def _write(self, folder: int, name: str, data: bytes) -> None:
        path = self.folder / name
        temporary = _TEMPORARY_PREFIX + secrets.token_hex(8)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
        try:
            descriptor = os.open(temporary, flags, 0o600, dir_fd=folder)
            try:
                _write_all(descriptor, data)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=folder)
            raise CertificateCacheError(path, f"cannot be written: {error.strerror or error}") from None
