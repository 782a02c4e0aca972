"""Short editable lists: Jenis Bidang Usaha."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kerapu.extensions import db


class BusinessField(db.Model):
    """A Jenis Bidang Usaha a mitra chooses at registration."""

    __tablename__ = "business_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self):
        return f"<BusinessField {self.id} {self.name}>"
