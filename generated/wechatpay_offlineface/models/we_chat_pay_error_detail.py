from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="WeChatPayErrorDetail")


@_attrs_define
class WeChatPayErrorDetail:
    """Where a parameter error was found"""

    field: str | Unset = UNSET
    """ The field at fault """
    value: Any | Unset = UNSET
    """ The value received """
    issue: str | Unset = UNSET
    """ What is wrong with it """
    location: str | Unset = UNSET
    """ Where it was, e.g. `body`, `query`, `path` """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field = self.field

        value = self.value

        issue = self.issue

        location = self.location

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if field is not UNSET:
            field_dict["field"] = field
        if value is not UNSET:
            field_dict["value"] = value
        if issue is not UNSET:
            field_dict["issue"] = issue
        if location is not UNSET:
            field_dict["location"] = location

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field = d.pop("field", UNSET)
        if not isinstance(field, (str, Unset)):
            raise TypeError("field must be a string, not " + type(field).__name__)

        value = d.pop("value", UNSET)

        issue = d.pop("issue", UNSET)
        if not isinstance(issue, (str, Unset)):
            raise TypeError("issue must be a string, not " + type(issue).__name__)

        location = d.pop("location", UNSET)
        if not isinstance(location, (str, Unset)):
            raise TypeError("location must be a string, not " + type(location).__name__)

        we_chat_pay_error_detail = cls(
            field=field,
            value=value,
            issue=issue,
            location=location,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        we_chat_pay_error_detail.additional_properties = additional_properties
        return we_chat_pay_error_detail

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
