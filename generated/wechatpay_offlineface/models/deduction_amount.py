from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.currency import Currency

T = TypeVar("T", bound="DeductionAmount")


@_attrs_define
class DeductionAmount:
    """金额信息 (the amount to deduct)"""

    total: int
    """ 总金额 (amount in fen, 1/100 CNY) """
    currency: Currency | str
    """ 货币类型 (currency), a known `Currency` or any other string """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        currency: str
        if isinstance(self.currency, Currency):
            currency = self.currency.value
        else:
            currency = self.currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
                "currency": currency,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        total = d.pop("total")

        def _parse_currency(data: object) -> Currency | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_currency_or_string_type_0 = Currency(data)

                return componentsschemas_currency_or_string_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            componentsschemas_currency_or_string_type_1 = data
            if not isinstance(componentsschemas_currency_or_string_type_1, str):
                raise TypeError(
                    "/components/schemas/CurrencyOrString_type_1 must be a string, not "
                    + type(componentsschemas_currency_or_string_type_1).__name__
                )

            return componentsschemas_currency_or_string_type_1

        currency = _parse_currency(d.pop("currency"))

        deduction_amount = cls(
            total=total,
            currency=currency,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        deduction_amount.additional_properties = additional_properties
        return deduction_amount

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
