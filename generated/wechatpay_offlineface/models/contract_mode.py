from enum import StrEnum


class ContractMode(StrEnum):
    LIMIT_BANK_CARD = "LIMIT_BANK_CARD"
    LIMIT_NONE = "LIMIT_NONE"
    PRIORITY_BANK_CARD = "PRIORITY_BANK_CARD"

    def __str__(self) -> str:
        return str(self.value)
