from enum import StrEnum


class Currency(StrEnum):
    CNY = "CNY"

    def __str__(self) -> str:
        return str(self.value)
