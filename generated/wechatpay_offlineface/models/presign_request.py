from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.contract_mode import ContractMode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.limit_bank_card import LimitBankCard
    from ..models.presign_facepay_user import PresignFacepayUser


T = TypeVar("T", bound="PresignRequest")


@_attrs_define
class PresignRequest:
    """预签约请求 (a pre-signing request)"""

    business_name: str
    """ 业务类型 (business type) """
    facepay_user: PresignFacepayUser
    """ 刷脸用户信息 (the face user to sign for) """
    limit_bank_card: LimitBankCard | Unset = UNSET
    """ 签约指定银行卡 (the bank card to sign with) """
    contract_mode: ContractMode | str | Unset = UNSET
    """ 签约模式 (signing mode) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        business_name = self.business_name

        facepay_user = self.facepay_user.to_dict()

        limit_bank_card: dict[str, Any] | Unset = UNSET
        if not isinstance(self.limit_bank_card, Unset):
            limit_bank_card = self.limit_bank_card.to_dict()

        contract_mode: str | Unset
        if isinstance(self.contract_mode, Unset):
            contract_mode = UNSET
        elif isinstance(self.contract_mode, ContractMode):
            contract_mode = self.contract_mode.value
        else:
            contract_mode = self.contract_mode

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "business_name": business_name,
                "facepay_user": facepay_user,
            }
        )
        if limit_bank_card is not UNSET:
            field_dict["limit_bank_card"] = limit_bank_card
        if contract_mode is not UNSET:
            field_dict["contract_mode"] = contract_mode

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.limit_bank_card import LimitBankCard  # noqa: PLC0415
        from ..models.presign_facepay_user import PresignFacepayUser  # noqa: PLC0415

        d = dict(src_dict)
        business_name = d.pop("business_name")
        if not isinstance(business_name, str):
            raise TypeError("business_name must be a string, not " + type(business_name).__name__)

        facepay_user = PresignFacepayUser.from_dict(d.pop("facepay_user"))

        _limit_bank_card = d.pop("limit_bank_card", UNSET)
        limit_bank_card: LimitBankCard | Unset
        if isinstance(_limit_bank_card, Unset):
            limit_bank_card = UNSET
        else:
            limit_bank_card = LimitBankCard.from_dict(_limit_bank_card)

        def _parse_contract_mode(data: object) -> ContractMode | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                contract_mode_type_0 = ContractMode(data)

                return contract_mode_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            contract_mode_type_1 = data
            if not isinstance(contract_mode_type_1, str):
                raise TypeError("contract_mode_type_1 must be a string, not " + type(contract_mode_type_1).__name__)

            return contract_mode_type_1

        contract_mode = _parse_contract_mode(d.pop("contract_mode", UNSET))

        presign_request = cls(
            business_name=business_name,
            facepay_user=facepay_user,
            limit_bank_card=limit_bank_card,
            contract_mode=contract_mode,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        presign_request.additional_properties = additional_properties
        return presign_request

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
