from enum import StrEnum


class TradeType(StrEnum):
    APP = "APP"
    AUTH = "AUTH"
    JSAPI = "JSAPI"
    MWEB = "MWEB"
    NATIVE = "NATIVE"

    def __str__(self) -> str:
        return str(self.value)
