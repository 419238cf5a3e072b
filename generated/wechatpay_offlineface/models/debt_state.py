from enum import StrEnum


class DebtState(StrEnum):
    DEBT = "DEBT"
    NOT_DEBT = "NOT_DEBT"
    REPAYMENT = "REPAYMENT"

    def __str__(self) -> str:
        return str(self.value)
