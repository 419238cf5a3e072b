from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.identification_type import IdentificationType

T = TypeVar("T", bound="Identification")


@_attrs_define
class Identification:
    """证件信息 (an identity document)"""

    identification_type: IdentificationType | str
    """ 证件类型 (document type) """
    identification_number: str = _attrs_field(repr=False)
    """ 证件ID (document number). Sensitive: pass the plaintext; the client encrypts it. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        identification_type: str
        if isinstance(self.identification_type, IdentificationType):
            identification_type = self.identification_type.value
        else:
            identification_type = self.identification_type

        identification_number = self.identification_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "identification_type": identification_type,
                "identification_number": identification_number,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_identification_type(data: object) -> IdentificationType | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                identification_type_type_0 = IdentificationType(data)

                return identification_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            identification_type_type_1 = data
            if not isinstance(identification_type_type_1, str):
                raise TypeError(
                    "identification_type_type_1 must be a string, not " + type(identification_type_type_1).__name__
                )

            return identification_type_type_1

        identification_type = _parse_identification_type(d.pop("identification_type"))

        identification_number = d.pop("identification_number")
        if not isinstance(identification_number, str):
            raise TypeError("identification_number must be a string, not " + type(identification_number).__name__)

        identification = cls(
            identification_type=identification_type,
            identification_number=identification_number,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        identification.additional_properties = additional_properties
        return identification

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
