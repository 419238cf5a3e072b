"""Contains all the data models used in inputs/outputs"""

from typing import TypeAlias

from .auth_info import AuthInfo
from .auth_info_request import AuthInfoRequest
from .auth_token import AuthToken
from .auth_token_request import AuthTokenRequest
from .business_info import BusinessInfo
from .business_product_id import BusinessProductId
from .business_scene_id import BusinessSceneId
from .collection_state import CollectionState
from .contract import Contract
from .contract_bank_card_from import ContractBankCardFrom
from .contract_mode import ContractMode
from .contract_state import ContractState
from .currency import Currency
from .debt_state import DebtState
from .deduction import Deduction
from .deduction_amount import DeductionAmount
from .deduction_query_result import DeductionQueryResult
from .deduction_request import DeductionRequest
from .deduction_scene_info import DeductionSceneInfo
from .encrypted_resource import EncryptedResource
from .face_collection import FaceCollection
from .face_collection_list import FaceCollectionList
from .face_user import FaceUser
from .face_user_status import FaceUserStatus
from .face_user_update import FaceUserUpdate
from .identification import Identification
from .identification_type import IdentificationType
from .limit_bank_card import LimitBankCard
from .organization import Organization
from .paid_amount import PaidAmount
from .payer import Payer
from .payment_scene_info import PaymentSceneInfo
from .presign_facepay_user import PresignFacepayUser
from .presign_request import PresignRequest
from .presign_result import PresignResult
from .promotion_amount import PromotionAmount
from .promotion_detail import PromotionDetail
from .repayment_url import RepaymentUrl
from .repayment_url_request import RepaymentUrlRequest
from .settle_info import SettleInfo
from .staff_info import StaffInfo
from .student_info import StudentInfo
from .token_scene import TokenScene
from .trade_type import TradeType
from .user_state_change_notification import UserStateChangeNotification
from .user_state_change_resource import UserStateChangeResource
from .user_type import UserType
from .we_chat_pay_error_body import WeChatPayErrorBody
from .we_chat_pay_error_detail import WeChatPayErrorDetail
from .web_init_data import WebInitData

__all__ = (
    "AuthInfo",
    "AuthInfoRequest",
    "AuthToken",
    "AuthTokenRequest",
    "BusinessInfo",
    "BusinessProductId",
    "BusinessSceneId",
    "CollectionState",
    "Contract",
    "ContractBankCardFrom",
    "ContractMode",
    "ContractState",
    "Currency",
    "DebtState",
    "Deduction",
    "DeductionAmount",
    "DeductionQueryResult",
    "DeductionRequest",
    "DeductionSceneInfo",
    "EncryptedResource",
    "FaceCollection",
    "FaceCollectionList",
    "FaceUser",
    "FaceUserStatus",
    "FaceUserUpdate",
    "Identification",
    "IdentificationType",
    "LimitBankCard",
    "Organization",
    "PaidAmount",
    "Payer",
    "PaymentSceneInfo",
    "PresignFacepayUser",
    "PresignRequest",
    "PresignResult",
    "PromotionAmount",
    "PromotionDetail",
    "RepaymentUrl",
    "RepaymentUrlRequest",
    "SettleInfo",
    "StaffInfo",
    "StudentInfo",
    "TokenScene",
    "TradeType",
    "UserStateChangeNotification",
    "UserStateChangeResource",
    "UserType",
    "WebInitData",
    "WeChatPayErrorBody",
    "WeChatPayErrorDetail",
)

# The model of each webhook's decrypted resource, by event type (each webhook's x-wechatpay-event-type and
# x-wechatpay-resource in the spec), for wechatpay_offlineface.notifications.
WebhookResource: TypeAlias = UserStateChangeResource
"""The model of any webhook's decrypted resource."""
WEBHOOK_RESOURCE_MODELS: dict[str, type[WebhookResource]] = {
    "FACEPAY.USER_STATE_CHANGE": UserStateChangeResource,
}
"""The event type of each webhook in the spec, to the model of its decrypted resource."""
