from enum import IntEnum


class BusinessSceneId(IntEnum):
    CANTEEN = 3
    SUPERMARKET = 4
    SCHOOL_CLINIC = 5
    K12_TEST = 6
    GROUP_MEAL_TEST = 124
    CORPORATE_CANTEEN = 125
    TENCENT_CANTEEN = 126

    def __str__(self) -> str:
        return str(self.value)
