from enum import IntEnum


class BusinessProductId(IntEnum):
    VALUE_2 = 2
    VALUE_11 = 11

    def __str__(self) -> str:
        return str(self.value)
