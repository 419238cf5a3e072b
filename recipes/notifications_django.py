"""Recipe: WeChat Pay notifications in Django, as a view.

    # urls.py
    urlpatterns = [path("wechatpay/notifications", notification_view(auth_from_env(), handle))]

WeChat Pay wants a 2xx when the notification is taken, and retries on anything else (4xx/5xx with
{"code": "FAIL", "message": ...}). It may deliver the same notification more than once: de-duplicate by its id.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wechatpay_signing import Notification, NotificationDecryptionError, WeChatPayAuth, WeChatPayError


def notification_view(auth: WeChatPayAuth, handle: Callable[[Notification], None]) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        try:
            # The raw bytes: re-serialised JSON would not match the signature.
            notification = auth.parse_notification(request.headers, request.body)
        except NotificationDecryptionError:
            return JsonResponse({"code": "FAIL", "message": "notification does not decrypt"}, status=500)
        except WeChatPayError:
            return JsonResponse({"code": "FAIL", "message": "notification signature rejected"}, status=401)
        # De-duplicate here: WeChat Pay redelivers, so skip a notification.id already processed (e.g. a unique
        # key in your database). An exception from handle becomes a 500, and WeChat Pay delivers it again.
        handle(notification)
        return HttpResponse(status=204)

    # WeChat Pay signs the request instead of sending a CSRF token.
    checked: Callable[..., HttpResponse] = csrf_exempt(require_POST(view))
    return checked
