from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.encrypted_resource import EncryptedResource


T = TypeVar("T", bound="UserStateChangeNotification")


@_attrs_define
class UserStateChangeNotification:
    """用户签约状态变更通知 (the `FACEPAY.USER_STATE_CHANGE` notification's body, before decryption)"""

    id: str
    """ 通知ID (notification ID) """
    create_time: datetime.datetime
    """ 通知创建时间 (when the notification was created), RFC 3339 with offset """
    event_type: str
    """ 通知类型 (event type), `FACEPAY.USER_STATE_CHANGE` """
    resource_type: str
    """ 通知数据类型 (resource type) """
    summary: str
    """ 回调摘要 (summary) """
    resource: EncryptedResource
    """ 通知数据 (the encrypted resource of a notification) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        from wechatpay_offlineface.types import aware_datetime

        create_time = aware_datetime(self.create_time).isoformat()

        event_type = self.event_type

        resource_type = self.resource_type

        summary = self.summary

        resource = self.resource.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "create_time": create_time,
                "event_type": event_type,
                "resource_type": resource_type,
                "summary": summary,
                "resource": resource,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.encrypted_resource import EncryptedResource  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")
        if not isinstance(id, str):
            raise TypeError("id must be a string, not " + type(id).__name__)

        from wechatpay_offlineface.types import aware_datetime

        create_time = aware_datetime(datetime.datetime.fromisoformat(d.pop("create_time")))

        event_type = d.pop("event_type")
        if not isinstance(event_type, str):
            raise TypeError("event_type must be a string, not " + type(event_type).__name__)

        resource_type = d.pop("resource_type")
        if not isinstance(resource_type, str):
            raise TypeError("resource_type must be a string, not " + type(resource_type).__name__)

        summary = d.pop("summary")
        if not isinstance(summary, str):
            raise TypeError("summary must be a string, not " + type(summary).__name__)

        resource = EncryptedResource.from_dict(d.pop("resource"))

        user_state_change_notification = cls(
            id=id,
            create_time=create_time,
            event_type=event_type,
            resource_type=resource_type,
            summary=summary,
            resource=resource,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        user_state_change_notification.additional_properties = additional_properties
        return user_state_change_notification

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
