from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.face_collection import FaceCollection


T = TypeVar("T", bound="FaceCollectionList")


@_attrs_define
class FaceCollectionList:
    """重采用户列表 (a page of re-collection requests)"""

    face_collections: list[FaceCollection]
    """ 重采列表 (the page's requests) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        face_collections = []
        for face_collections_item_data in self.face_collections:
            face_collections_item = face_collections_item_data.to_dict()
            face_collections.append(face_collections_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "face_collections": face_collections,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.face_collection import FaceCollection  # noqa: PLC0415

        d = dict(src_dict)
        face_collections = []
        _face_collections = d.pop("face_collections")
        for face_collections_item_data in _face_collections:
            face_collections_item = FaceCollection.from_dict(face_collections_item_data)

            face_collections.append(face_collections_item)

        face_collection_list = cls(
            face_collections=face_collections,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        face_collection_list.additional_properties = additional_properties
        return face_collection_list

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
