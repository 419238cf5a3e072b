"""Contains all the data models used in inputs/outputs"""

from .collection_state import CollectionState
from .face_collection import FaceCollection
from .face_collection_list import FaceCollectionList
from .we_chat_pay_error_body import WeChatPayErrorBody
from .we_chat_pay_error_detail import WeChatPayErrorDetail

__all__ = (
    "CollectionState",
    "FaceCollection",
    "FaceCollectionList",
    "WeChatPayErrorBody",
    "WeChatPayErrorDetail",
)
