from enum import StrEnum


class FaceUserStatus(StrEnum):
    DISABLED = "DISABLED"
    NORMAL = "NORMAL"

    def __str__(self) -> str:
        return str(self.value)
