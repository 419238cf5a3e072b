"""Every page of listFaceCollections (查询重采用户列表): ``iter_face_collections`` and ``aiter_face_collections``.

Hand-written; ``scripts/generate.sh`` copies it from ``generator/package_extras/`` into the generated package, so
it survives regeneration. WeChat Pay documents no total count and no links for this list: a page shorter than the
page size is the last one. Each page is one signed, verified call through the generated ``list_face_collections``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from . import errors
from .api.face_collections import list_face_collections
from .client import AuthenticatedClient, Client
from .models import FaceCollection

PAGE_SIZE = 20
"""The page size one SDK uses and the docs show; WeChat Pay documents no maximum."""
MAX_PAGES = 10_000
"""A server that answers full pages for ever is stopped here (errors.MalformedResponse), not followed."""


def _check(page_size: int, offset: int) -> None:
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        raise errors.InvalidRequestError(f"page_size must be an integer of at least 1, not {page_size!r}")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise errors.InvalidRequestError(f"offset must be an integer of at least 0, not {offset!r}")


def _too_many_pages() -> errors.MalformedResponse:
    return errors.MalformedResponse(200, None, f"listFaceCollections still had full pages after {MAX_PAGES} pages")


def iter_face_collections(
    client: AuthenticatedClient | Client,
    *,
    organization_id: str,
    page_size: int = PAGE_SIZE,
    offset: int = 0,
) -> Iterator[FaceCollection]:
    """Each re-collection request of the organization, from ``offset`` on, fetching a page of ``page_size`` at a time.

    A bad ``page_size`` or ``offset`` raises ``errors.InvalidRequestError`` (a ValueError) before any call. Then it
    raises what ``list_face_collections.sync`` raises (``errors.ApiError``, ``SignatureVerificationError``, ...),
    at the page where it happens; the requests of earlier pages have been yielded by then.
    """
    _check(page_size, offset)
    for _ in range(MAX_PAGES):
        page = list_face_collections.sync(
            client=client, organization_id=organization_id, offset=offset, limit=page_size
        )
        yield from page.face_collections
        if len(page.face_collections) < page_size:
            return
        offset += len(page.face_collections)
    raise _too_many_pages()


async def aiter_face_collections(
    client: AuthenticatedClient | Client,
    *,
    organization_id: str,
    page_size: int = PAGE_SIZE,
    offset: int = 0,
) -> AsyncIterator[FaceCollection]:
    """``iter_face_collections`` for asyncio: ``async for collection in aiter_face_collections(client, ...)``."""
    _check(page_size, offset)
    for _ in range(MAX_PAGES):
        page = await list_face_collections.asyncio(
            client=client, organization_id=organization_id, offset=offset, limit=page_size
        )
        for collection in page.face_collections:
            yield collection
        if len(page.face_collections) < page_size:
            return
        offset += len(page.face_collections)
    raise _too_many_pages()


__all__ = ["MAX_PAGES", "PAGE_SIZE", "aiter_face_collections", "iter_face_collections"]
