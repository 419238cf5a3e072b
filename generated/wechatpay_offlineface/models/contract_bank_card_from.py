from enum import StrEnum


class ContractBankCardFrom(StrEnum):
    MERCHANT_LIMITED_BANK_CARD = "MERCHANT_LIMITED_BANK_CARD"
    USER_SELECT_FREE = "USER_SELECT_FREE"

    def __str__(self) -> str:
        return str(self.value)
