from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.identification import Identification


T = TypeVar("T", bound="LimitBankCard")


@_attrs_define
class LimitBankCard:
    """签约指定银行卡 (the bank card to sign with)"""

    bank_card_number: str | Unset = _attrs_field(default=UNSET, repr=False)
    """ 银行卡号 (card number). Sensitive: pass the plaintext; the client encrypts it. """
    identification_name: str | Unset = _attrs_field(default=UNSET, repr=False)
    """ 开卡人姓名 (card holder's name). Sensitive: pass the plaintext; the client encrypts it. """
    identification: Identification | Unset = UNSET
    """ 证件信息 (an identity document) """
    valid_thru: str | Unset = UNSET
    """ 银行卡有效期 (card expiry, MM/YY) """
    bank_type: str | Unset = UNSET
    """ 银行类型 (bank type code) """
    phone: str | Unset = _attrs_field(default=UNSET, repr=False)
    """ 开卡预留手机号 (phone number the bank holds). Sensitive: pass the plaintext; the client encrypts it. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bank_card_number = self.bank_card_number

        identification_name = self.identification_name

        identification: dict[str, Any] | Unset = UNSET
        if not isinstance(self.identification, Unset):
            identification = self.identification.to_dict()

        valid_thru = self.valid_thru

        bank_type = self.bank_type

        phone = self.phone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if bank_card_number is not UNSET:
            field_dict["bank_card_number"] = bank_card_number
        if identification_name is not UNSET:
            field_dict["identification_name"] = identification_name
        if identification is not UNSET:
            field_dict["identification"] = identification
        if valid_thru is not UNSET:
            field_dict["valid_thru"] = valid_thru
        if bank_type is not UNSET:
            field_dict["bank_type"] = bank_type
        if phone is not UNSET:
            field_dict["phone"] = phone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.identification import Identification  # noqa: PLC0415

        d = dict(src_dict)
        bank_card_number = d.pop("bank_card_number", UNSET)
        if not isinstance(bank_card_number, (str, Unset)):
            raise TypeError("bank_card_number must be a string, not " + type(bank_card_number).__name__)

        identification_name = d.pop("identification_name", UNSET)
        if not isinstance(identification_name, (str, Unset)):
            raise TypeError("identification_name must be a string, not " + type(identification_name).__name__)

        _identification = d.pop("identification", UNSET)
        identification: Identification | Unset
        if isinstance(_identification, Unset):
            identification = UNSET
        else:
            identification = Identification.from_dict(_identification)

        valid_thru = d.pop("valid_thru", UNSET)
        if not isinstance(valid_thru, (str, Unset)):
            raise TypeError("valid_thru must be a string, not " + type(valid_thru).__name__)

        bank_type = d.pop("bank_type", UNSET)
        if not isinstance(bank_type, (str, Unset)):
            raise TypeError("bank_type must be a string, not " + type(bank_type).__name__)

        phone = d.pop("phone", UNSET)
        if not isinstance(phone, (str, Unset)):
            raise TypeError("phone must be a string, not " + type(phone).__name__)

        limit_bank_card = cls(
            bank_card_number=bank_card_number,
            identification_name=identification_name,
            identification=identification,
            valid_thru=valid_thru,
            bank_type=bank_type,
            phone=phone,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        limit_bank_card.additional_properties = additional_properties
        return limit_bank_card

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
