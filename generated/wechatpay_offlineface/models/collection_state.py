from enum import StrEnum


class CollectionState(StrEnum):
    COLLECTION_REQUIRED = "COLLECTION_REQUIRED"
    COMPLETE = "COMPLETE"
    PHOTO_UPLOADED = "PHOTO_UPLOADED"

    def __str__(self) -> str:
        return str(self.value)
