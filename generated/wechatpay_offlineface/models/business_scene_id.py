from enum import IntEnum


class BusinessSceneId(IntEnum):
    VALUE_3 = 3
    VALUE_4 = 4
    VALUE_5 = 5
    VALUE_6 = 6
    VALUE_124 = 124
    VALUE_125 = 125
    VALUE_126 = 126

    def __str__(self) -> str:
        return str(self.value)
