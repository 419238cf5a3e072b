from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.face_user_status import FaceUserStatus
from ..models.user_type import UserType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.staff_info import StaffInfo
    from ..models.student_info import StudentInfo


T = TypeVar("T", bound="FaceUserUpdate")


@_attrs_define
class FaceUserUpdate:
    """刷脸用户信息修改 (the fields to change). The docs mark none required; send those that changed, and
    `student_info` or `staff_info` to match `user_type`.

    """

    user_name: str | Unset = _attrs_field(default=UNSET, repr=False)
    """ 姓名 (name). Sensitive: pass the plaintext; the client sends it RSA-OAEP encrypted (base64) for WeChat
    Pay's key, with `Wechatpay-Serial`.
     """
    user_type: str | Unset | UserType = UNSET
    """ 用户类型 (user type), a known `UserType` or any other string """
    student_info: StudentInfo | Unset = UNSET
    """ 学生信息 (student information) """
    staff_info: StaffInfo | Unset = UNSET
    """ 职工信息 (staff information) """
    status: FaceUserStatus | str | Unset = UNSET
    """ 状态 (status); `DISABLED` blocks further face payments """
    phone: str | Unset = _attrs_field(default=UNSET, repr=False)
    """ 手机号 (phone number, 11 digits). Sensitive: pass the plaintext; the client sends it RSA-OAEP encrypted
    (base64) for WeChat Pay's key, with `Wechatpay-Serial`. An older upstream note said PKCS#1 v1.5 padding;
    the SDKs and APIv3 use OAEP, and so does this client.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_name = self.user_name

        user_type: str | Unset
        if isinstance(self.user_type, Unset):
            user_type = UNSET
        elif isinstance(self.user_type, UserType):
            user_type = self.user_type.value
        else:
            user_type = self.user_type

        student_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.student_info, Unset):
            student_info = self.student_info.to_dict()

        staff_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.staff_info, Unset):
            staff_info = self.staff_info.to_dict()

        status: str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, FaceUserStatus):
            status = self.status.value
        else:
            status = self.status

        phone = self.phone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if user_name is not UNSET:
            field_dict["user_name"] = user_name
        if user_type is not UNSET:
            field_dict["user_type"] = user_type
        if student_info is not UNSET:
            field_dict["student_info"] = student_info
        if staff_info is not UNSET:
            field_dict["staff_info"] = staff_info
        if status is not UNSET:
            field_dict["status"] = status
        if phone is not UNSET:
            field_dict["phone"] = phone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.staff_info import StaffInfo  # noqa: PLC0415
        from ..models.student_info import StudentInfo  # noqa: PLC0415

        d = dict(src_dict)
        user_name = d.pop("user_name", UNSET)
        if not isinstance(user_name, (str, Unset)):
            raise TypeError("user_name must be a string, not " + type(user_name).__name__)

        def _parse_user_type(data: object) -> str | Unset | UserType:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_user_type_or_string_type_0 = UserType(data)

                return componentsschemas_user_type_or_string_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            componentsschemas_user_type_or_string_type_1 = data
            if not isinstance(componentsschemas_user_type_or_string_type_1, str):
                raise TypeError(
                    "/components/schemas/UserTypeOrString_type_1 must be a string, not "
                    + type(componentsschemas_user_type_or_string_type_1).__name__
                )

            return componentsschemas_user_type_or_string_type_1

        user_type = _parse_user_type(d.pop("user_type", UNSET))

        _student_info = d.pop("student_info", UNSET)
        student_info: StudentInfo | Unset
        if isinstance(_student_info, Unset):
            student_info = UNSET
        else:
            student_info = StudentInfo.from_dict(_student_info)

        _staff_info = d.pop("staff_info", UNSET)
        staff_info: StaffInfo | Unset
        if isinstance(_staff_info, Unset):
            staff_info = UNSET
        else:
            staff_info = StaffInfo.from_dict(_staff_info)

        def _parse_status(data: object) -> FaceUserStatus | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = FaceUserStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            status_type_1 = data
            if not isinstance(status_type_1, str):
                raise TypeError("status_type_1 must be a string, not " + type(status_type_1).__name__)

            return status_type_1

        status = _parse_status(d.pop("status", UNSET))

        phone = d.pop("phone", UNSET)
        if not isinstance(phone, (str, Unset)):
            raise TypeError("phone must be a string, not " + type(phone).__name__)

        face_user_update = cls(
            user_name=user_name,
            user_type=user_type,
            student_info=student_info,
            staff_info=staff_info,
            status=status,
            phone=phone,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        face_user_update.additional_properties = additional_properties
        return face_user_update

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
