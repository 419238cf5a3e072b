from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.contract_state import ContractState
from ..models.face_user_status import FaceUserStatus
from ..models.user_type import UserType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.staff_info import StaffInfo
    from ..models.student_info import StudentInfo


T = TypeVar("T", bound="FaceUser")


@_attrs_define
class FaceUser:
    """刷脸用户信息 (a face user). The docs mark no field of this answer required."""

    use_id: str | Unset = UNSET
    """ 刷脸用户ID (WeChat-side face-user ID), as the docs spell it. The SDKs and the notification spell it
    `user_id`, which looks like the real wire name; both are kept optional here, so an answer with either
    parses and keeps it.
     """
    user_id: str | Unset = UNSET
    """ 刷脸用户ID (WeChat-side face-user ID) under the spelling the SDKs use; see `use_id`. """
    out_user_id: str | Unset = UNSET
    """ 商户刷脸用户ID (the merchant's face-user ID) """
    organization_id: str | Unset = UNSET
    """ 机构ID (organization ID) """
    user_name: str | Unset = UNSET
    """ 姓名 (name). Plain text per the docs; one SDK decrypts it with the merchant private key (RSA-OAEP). If
    it arrives as base64 ciphertext, `WeChatPayAuth.decrypt` opens it.
     """
    user_type: str | Unset | UserType = UNSET
    """ 用户类型 (user type), a known `UserType` or any other string """
    student_info: StudentInfo | Unset = UNSET
    """ 学生信息 (student information) """
    staff_info: StaffInfo | Unset = UNSET
    """ 职工信息 (staff information) """
    status: FaceUserStatus | str | Unset = UNSET
    """ 用户状态 (user status) """
    contract_state: ContractState | str | Unset = UNSET
    """ 签约状态 (contract state) """
    face_image_ok: bool | Unset = UNSET
    """ 人脸图片上传状态 (whether the face photo has been uploaded) """
    contract_id: str | Unset = UNSET
    """ 签约ID (contract ID) """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        use_id = self.use_id

        user_id = self.user_id

        out_user_id = self.out_user_id

        organization_id = self.organization_id

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

        contract_state: str | Unset
        if isinstance(self.contract_state, Unset):
            contract_state = UNSET
        elif isinstance(self.contract_state, ContractState):
            contract_state = self.contract_state.value
        else:
            contract_state = self.contract_state

        face_image_ok = self.face_image_ok

        contract_id = self.contract_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if use_id is not UNSET:
            field_dict["use_id"] = use_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if out_user_id is not UNSET:
            field_dict["out_user_id"] = out_user_id
        if organization_id is not UNSET:
            field_dict["organization_id"] = organization_id
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
        if contract_state is not UNSET:
            field_dict["contract_state"] = contract_state
        if face_image_ok is not UNSET:
            field_dict["face_image_ok"] = face_image_ok
        if contract_id is not UNSET:
            field_dict["contract_id"] = contract_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.staff_info import StaffInfo  # noqa: PLC0415
        from ..models.student_info import StudentInfo  # noqa: PLC0415

        d = dict(src_dict)
        use_id = d.pop("use_id", UNSET)
        if not isinstance(use_id, (str, Unset)):
            raise TypeError("use_id must be a string, not " + type(use_id).__name__)

        user_id = d.pop("user_id", UNSET)
        if not isinstance(user_id, (str, Unset)):
            raise TypeError("user_id must be a string, not " + type(user_id).__name__)

        out_user_id = d.pop("out_user_id", UNSET)
        if not isinstance(out_user_id, (str, Unset)):
            raise TypeError("out_user_id must be a string, not " + type(out_user_id).__name__)

        organization_id = d.pop("organization_id", UNSET)
        if not isinstance(organization_id, (str, Unset)):
            raise TypeError("organization_id must be a string, not " + type(organization_id).__name__)

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

        def _parse_contract_state(data: object) -> ContractState | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                contract_state_type_0 = ContractState(data)

                return contract_state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            contract_state_type_1 = data
            if not isinstance(contract_state_type_1, str):
                raise TypeError("contract_state_type_1 must be a string, not " + type(contract_state_type_1).__name__)

            return contract_state_type_1

        contract_state = _parse_contract_state(d.pop("contract_state", UNSET))

        face_image_ok = d.pop("face_image_ok", UNSET)

        contract_id = d.pop("contract_id", UNSET)
        if not isinstance(contract_id, (str, Unset)):
            raise TypeError("contract_id must be a string, not " + type(contract_id).__name__)

        face_user = cls(
            use_id=use_id,
            user_id=user_id,
            out_user_id=out_user_id,
            organization_id=organization_id,
            user_name=user_name,
            user_type=user_type,
            student_info=student_info,
            staff_info=staff_info,
            status=status,
            contract_state=contract_state,
            face_image_ok=face_image_ok,
            contract_id=contract_id,
        )

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional = prop_dict

            additional_properties[prop_name] = additional

        face_user.additional_properties = additional_properties
        return face_user

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
