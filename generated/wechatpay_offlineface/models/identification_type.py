from enum import StrEnum


class IdentificationType(StrEnum):
    IDCARD = "IDCARD"

    def __str__(self) -> str:
        return str(self.value)
