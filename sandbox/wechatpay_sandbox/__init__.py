"""A local WeChat Pay APIv3 sandbox for the offline face endpoints: tests and demos without production keys."""

from .app import create_app
from .config import SandboxConfig
from .credentials import SandboxCredentials
from .faults import FAULT_HEADER, FAULTS
from .hooks import NOTIFY_HOOK
from .notifications import Notifier
from .receiver import NotificationReceiver
from .remote import SandboxControlError
from .server import SandboxProcess, SandboxServer

__all__ = [
    "FAULTS",
    "FAULT_HEADER",
    "NOTIFY_HOOK",
    "NotificationReceiver",
    "Notifier",
    "SandboxConfig",
    "SandboxControlError",
    "SandboxCredentials",
    "SandboxProcess",
    "SandboxServer",
    "create_app",
]
