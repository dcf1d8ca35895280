from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 1000


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), unique=True)
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX_LENGTH), default="")
