from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.collection_state import CollectionState
from ..types import UNSET, Unset

T = TypeVar("T", bound="FaceCollection")


@_attrs_define
class FaceCollection:
    """重采请求 (a face re-collection request)"""

    collection_id: str
    """ 重采ID (re-collection ID) """
    organization_id: str
    """ 机构ID (organization ID) """
    collection_state: CollectionState | str
    """ 重采状态 (re-collection state). WeChat adds values to such enums over time, so any other string is
    kept as it is rather than rejected.
     """
    use_id: str | Unset = UNSET
    """ 用户ID (user ID), as the official documentation spells it. Upstream marks it required, but one
    independent SDK decodes `user_id` instead and no official page settles which one WeChat sends, so
    both are optional here: a body with either one parses and keeps it.
     """
    user_id: str | Unset = UNSET
    """ 用户ID (user ID) under the spelling some integrations receive; see `use_id`. """
    register_photo_upload_time: datetime.datetime | Unset = UNSET
    """ 注册照上传时间 (when the registration photo was uploaded), RFC 3339 with offset """
    confirm_time: datetime.datetime | Unset = UNSET
    """ 支付用户确认时间 (when the paying user confirmed the photo), RFC 3339 with offset """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        collection_id = self.collection_id

        organization_id = self.organization_id

        collection_state: str
        if isinstance(self.collection_state, CollectionState):
            collection_state = self.collection_state.value
        else:
            collection_state = self.collection_state

        use_id = self.use_id

        user_id = self.user_id

        from wechatpay_offlineface.types import aware_datetime

        register_photo_upload_time: str | Unset = UNSET
        if not isinstance(self.register_photo_upload_time, Unset):
            register_photo_upload_time = aware_datetime(self.register_photo_upload_time).isoformat()

        from wechatpay_offlineface.types import aware_datetime

        confirm_time: str | Unset = UNSET
        if not isinstance(self.confirm_time, Unset):
            confirm_time = aware_datetime(self.confirm_time).isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "collection_id": collection_id,
                "organization_id": organization_id,
                "collection_state": collection_state,
            }
        )
        if use_id is not UNSET:
            field_dict["use_id"] = use_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if register_photo_upload_time is not UNSET:
            field_dict["register_photo_upload_time"] = register_photo_upload_time
        if confirm_time is not UNSET:
            field_dict["confirm_time"] = confirm_time

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        collection_id = d.pop("collection_id")
        if not isinstance(collection_id, str):
            raise TypeError("collection_id must be a string, not " + type(collection_id).__name__)

        organization_id = d.pop("organization_id")
        if not isinstance(organization_id, str):
            raise TypeError("organization_id must be a string, not " + type(organization_id).__name__)

        def _parse_collection_state(data: object) -> CollectionState | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                collection_state_type_0 = CollectionState(data)

                return collection_state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            collection_state_type_1 = data
            if not isinstance(collection_state_type_1, str):
                raise TypeError(
                    "collection_state_type_1 must be a string, not " + type(collection_state_type_1).__name__
                )

            return collection_state_type_1

        collection_state = _parse_collection_state(d.pop("collection_state"))

        use_id = d.pop("use_id", UNSET)
        if not isinstance(use_id, (str, Unset)):
            raise TypeError("use_id must be a string, not " + type(use_id).__name__)

        user_id = d.pop("user_id", UNSET)
        if not isinstance(user_id, (str, Unset)):
            raise TypeError("user_id must be a string, not " + type(user_id).__name__)

        from wechatpay_offlineface.types import aware_datetime

        _register_photo_upload_time = d.pop("register_photo_upload_time", UNSET)
        register_photo_upload_time: datetime.datetime | Unset
        if isinstance(_register_photo_upload_time, Unset):
            register_photo_upload_time = UNSET
        else:
            register_photo_upload_time = aware_datetime(datetime.datetime.fromisoformat(_register_photo_upload_time))

        from wechatpay_offlineface.types import aware_datetime

        _confirm_time = d.pop("confirm_time", UNSET)
        confirm_time: datetime.datetime | Unset
        if isinstance(_confirm_time, Unset):
            confirm_time = UNSET
        else:
            confirm_time = aware_datetime(datetime.datetime.fromisoformat(_confirm_time))

        face_collection = cls(
            collection_id=collection_id,
            organization_id=organization_id,
            collection_state=collection_state,
            use_id=use_id,
            user_id=user_id,
            register_photo_upload_time=register_photo_upload_time,
            confirm_time=confirm_time,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        face_collection.additional_properties = additional_properties
        return face_collection

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
