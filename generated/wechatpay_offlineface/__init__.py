"""A client library for accessing WeChat Pay APIv3 offline face payment"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
