from enum import StrEnum


class UserType(StrEnum):
    STAFF = "STAFF"
    STUDENT = "STUDENT"
    STUFF = "STUFF"

    def __str__(self) -> str:
        return str(self.value)
