from enum import StrEnum


class ContractState(StrEnum):
    CONTRACTED = "CONTRACTED"
    NOT_CONTRACTED = "NOT_CONTRACTED"
    TERMINATED = "TERMINATED"

    def __str__(self) -> str:
        return str(self.value)
