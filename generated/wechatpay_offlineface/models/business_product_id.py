from enum import IntEnum


class BusinessProductId(IntEnum):
    K12 = 2
    CORPORATE_CANTEEN = 11

    def __str__(self) -> str:
        return str(self.value)
