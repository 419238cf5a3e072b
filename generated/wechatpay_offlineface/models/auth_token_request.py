from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.token_scene import TokenScene

if TYPE_CHECKING:
    from ..models.web_init_data import WebInitData


T = TypeVar("T", bound="AuthTokenRequest")


@_attrs_define
class AuthTokenRequest:
    """获取授权凭证请求 (token request). The docs mark no field required; the SDKs always send all three, and the
    mini-program needs them, so they are required here.

    """

    scene: str | TokenScene
    """ 使用场景 (usage scene); `WEBSESSION` (a mini-program or H5 session) is the only one documented. """
    web_init_data: WebInitData
    """ 小程序/h5鉴权场景初始化数据 (what the mini-program or H5 session is opened for) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        scene: str
        if isinstance(self.scene, TokenScene):
            scene = self.scene.value
        else:
            scene = self.scene

        web_init_data = self.web_init_data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "scene": scene,
                "web_init_data": web_init_data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.web_init_data import WebInitData  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_scene(data: object) -> str | TokenScene:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                scene_type_0 = TokenScene(data)

                return scene_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            scene_type_1 = data
            if not isinstance(scene_type_1, str):
                raise TypeError("scene_type_1 must be a string, not " + type(scene_type_1).__name__)

            return scene_type_1

        scene = _parse_scene(d.pop("scene"))

        web_init_data = WebInitData.from_dict(d.pop("web_init_data"))

        auth_token_request = cls(
            scene=scene,
            web_init_data=web_init_data,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        auth_token_request.additional_properties = additional_properties
        return auth_token_request

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
