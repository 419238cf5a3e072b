from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.currency import Currency
from ..types import UNSET, Unset

T = TypeVar("T", bound="PaidAmount")


@_attrs_define
class PaidAmount:
    """金额信息 (the amounts)"""

    total: int
    """ 总金额 (order amount in fen) """
    currency: Currency | str
    """ 货币类型 (currency), a known `Currency` or any other string """
    pay_total: int | Unset = UNSET
    """ 用户支付金额 (what the user paid, in fen). Only one SDK shows it; the docs do not. """
    pay_currency: str | Unset = UNSET
    """ 用户支付币种 (currency of `pay_total`). Only one SDK shows it; the docs do not. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        currency: str
        if isinstance(self.currency, Currency):
            currency = self.currency.value
        else:
            currency = self.currency

        pay_total = self.pay_total

        pay_currency = self.pay_currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
                "currency": currency,
            }
        )
        if pay_total is not UNSET:
            field_dict["pay_total"] = pay_total
        if pay_currency is not UNSET:
            field_dict["pay_currency"] = pay_currency

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

        pay_total = d.pop("pay_total", UNSET)

        pay_currency = d.pop("pay_currency", UNSET)
        if not isinstance(pay_currency, (str, Unset)):
            raise TypeError("pay_currency must be a string, not " + type(pay_currency).__name__)

        paid_amount = cls(
            total=total,
            currency=currency,
            pay_total=pay_total,
            pay_currency=pay_currency,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        paid_amount.additional_properties = additional_properties
        return paid_amount

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
