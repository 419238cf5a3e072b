from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.identification import Identification


T = TypeVar("T", bound="PresignFacepayUser")


@_attrs_define
class PresignFacepayUser:
    """刷脸用户信息 (the face user to sign for)"""

    out_user_id: str
    """ 商户用户ID (the merchant's user ID) """
    organization_id: str
    """ 机构ID (organization ID) """
    identification_name: str | Unset = UNSET
    """ 刷脸用户名 (the face user's name). Sent as plain text: the docs do not mark it encrypted (unlike the
    card holder's name), and only one SDK's old code encrypted it.
     """
    identification: Identification | Unset = UNSET
    """ 证件信息 (an identity document) """
    phone: str | Unset = _attrs_field(default=UNSET, repr=False)
    """ 手机号码 (phone number). Sensitive: pass the plaintext; the client encrypts it. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out_user_id = self.out_user_id

        organization_id = self.organization_id

        identification_name = self.identification_name

        identification: dict[str, Any] | Unset = UNSET
        if not isinstance(self.identification, Unset):
            identification = self.identification.to_dict()

        phone = self.phone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "out_user_id": out_user_id,
                "organization_id": organization_id,
            }
        )
        if identification_name is not UNSET:
            field_dict["identification_name"] = identification_name
        if identification is not UNSET:
            field_dict["identification"] = identification
        if phone is not UNSET:
            field_dict["phone"] = phone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.identification import Identification  # noqa: PLC0415

        d = dict(src_dict)
        out_user_id = d.pop("out_user_id")
        if not isinstance(out_user_id, str):
            raise TypeError("out_user_id must be a string, not " + type(out_user_id).__name__)

        organization_id = d.pop("organization_id")
        if not isinstance(organization_id, str):
            raise TypeError("organization_id must be a string, not " + type(organization_id).__name__)

        identification_name = d.pop("identification_name", UNSET)
        if not isinstance(identification_name, (str, Unset)):
            raise TypeError("identification_name must be a string, not " + type(identification_name).__name__)

        _identification = d.pop("identification", UNSET)
        identification: Identification | Unset
        if isinstance(_identification, Unset):
            identification = UNSET
        else:
            identification = Identification.from_dict(_identification)

        phone = d.pop("phone", UNSET)
        if not isinstance(phone, (str, Unset)):
            raise TypeError("phone must be a string, not " + type(phone).__name__)

        presign_facepay_user = cls(
            out_user_id=out_user_id,
            organization_id=organization_id,
            identification_name=identification_name,
            identification=identification,
            phone=phone,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        presign_facepay_user.additional_properties = additional_properties
        return presign_facepay_user

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
