from enum import StrEnum


class TokenScene(StrEnum):
    WEBSESSION = "WEBSESSION"

    def __str__(self) -> str:
        return str(self.value)
