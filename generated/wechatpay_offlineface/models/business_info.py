from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.business_product_id import BusinessProductId
from ..models.business_scene_id import BusinessSceneId

T = TypeVar("T", bound="BusinessInfo")


@_attrs_define
class BusinessInfo:
    """业务信息 (the platform product and scene)"""

    business_product_id: BusinessProductId | int
    """ 平台产品ID (platform product ID) """
    business_scene_id: BusinessSceneId | int
    """ 平台场景ID (platform scene ID) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        business_product_id: int
        if isinstance(self.business_product_id, BusinessProductId):
            business_product_id = self.business_product_id.value
        else:
            business_product_id = self.business_product_id

        business_scene_id: int
        if isinstance(self.business_scene_id, BusinessSceneId):
            business_scene_id = self.business_scene_id.value
        else:
            business_scene_id = self.business_scene_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "business_product_id": business_product_id,
                "business_scene_id": business_scene_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_business_product_id(data: object) -> BusinessProductId | int:
            try:
                if not isinstance(data, int):
                    raise TypeError()
                business_product_id_type_0 = BusinessProductId(data)

                return business_product_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BusinessProductId | int, data)

        business_product_id = _parse_business_product_id(d.pop("business_product_id"))

        def _parse_business_scene_id(data: object) -> BusinessSceneId | int:
            try:
                if not isinstance(data, int):
                    raise TypeError()
                business_scene_id_type_0 = BusinessSceneId(data)

                return business_scene_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BusinessSceneId | int, data)

        business_scene_id = _parse_business_scene_id(d.pop("business_scene_id"))

        business_info = cls(
            business_product_id=business_product_id,
            business_scene_id=business_scene_id,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        business_info.additional_properties = additional_properties
        return business_info

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
