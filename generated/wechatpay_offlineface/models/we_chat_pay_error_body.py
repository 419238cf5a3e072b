from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.we_chat_pay_error_detail import WeChatPayErrorDetail


T = TypeVar("T", bound="WeChatPayErrorBody")


@_attrs_define
class WeChatPayErrorBody:
    """The body WeChat Pay answers a failed request with. The `Request-ID` header identifies the call."""

    code: str
    """ Error code, e.g. `PARAM_ERROR`, `SIGN_ERROR`, `RESOURCE_NOT_EXISTS`, `SYSTEM_ERROR` """
    message: str
    """ Human-readable reason """
    detail: WeChatPayErrorDetail | Unset = UNSET
    """ Where a parameter error was found """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        detail: dict[str, Any] | Unset = UNSET
        if not isinstance(self.detail, Unset):
            detail = self.detail.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if detail is not UNSET:
            field_dict["detail"] = detail

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.we_chat_pay_error_detail import WeChatPayErrorDetail  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")
        if not isinstance(code, str):
            raise TypeError("code must be a string, not " + type(code).__name__)

        message = d.pop("message")
        if not isinstance(message, str):
            raise TypeError("message must be a string, not " + type(message).__name__)

        _detail = d.pop("detail", UNSET)
        detail: WeChatPayErrorDetail | Unset
        if isinstance(_detail, Unset):
            detail = UNSET
        else:
            detail = WeChatPayErrorDetail.from_dict(_detail)

        we_chat_pay_error_body = cls(
            code=code,
            message=message,
            detail=detail,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        we_chat_pay_error_body.additional_properties = additional_properties
        return we_chat_pay_error_body

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
