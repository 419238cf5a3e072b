"""The typed resource of a notification whose event type the spec knows (its ``webhooks:``).

Hand-written; ``scripts/generate.sh`` copies it from ``generator/package_extras/`` into the generated package. The
mapping itself is generated: ``RESOURCE_MODELS`` comes from each webhook's ``x-wechatpay-event-type`` and
``x-wechatpay-resource`` in ``openapi/``, so a webhook added to the spec is known here after ``make generate``.
``wechatpay_signing`` stays generic (it never imports this package): it verifies, decrypts and hands over the
resource as a ``dict``, and ``typed_resource`` turns it into the spec's model.
"""

from __future__ import annotations

from types import MappingProxyType

from wechatpay_signing import Notification

from .models import WEBHOOK_RESOURCE_MODELS, WebhookResource

__all__ = ("RESOURCE_MODELS", "WebhookResource", "typed_resource")

RESOURCE_MODELS: MappingProxyType[str, type[WebhookResource]] = MappingProxyType(WEBHOOK_RESOURCE_MODELS)
"""Event type to the model of its decrypted resource, e.g. ``FACEPAY.USER_STATE_CHANGE``: UserStateChangeResource.
Read-only: what a notification is decoded as cannot be changed behind a caller's back."""


def typed_resource(notification: Notification) -> WebhookResource | None:
    """The notification's resource as the spec's model for its event type, or None for an event type the spec does
    not know (its resource stays in ``notification.resource``, a dict).

    A resource that does not fit its event's model (a required field missing, a value of another type) raises
    ``wechatpay_signing.NotificationDecryptionError`` with ``cause`` ``"malformed"``.
    """
    model = RESOURCE_MODELS.get(notification.event_type)
    return None if model is None else notification.resource_as(model)
