"""Database models, one module per aggregate."""

from kerapu.models.accounts import Mitra, Role, User
from kerapu.models.mail import OutboxMessage
from kerapu.models.programs import (
    CatalogueState,
    Category,
    Program,
    ProgramVisibility,
)
from kerapu.models.reference import BusinessField
from kerapu.models.regions import Balai, Province, Regency
from kerapu.models.submissions import Submission

__all__ = [
    "Balai",
    "BusinessField",
    "CatalogueState",
    "Category",
    "Mitra",
    "OutboxMessage",
    "Program",
    "ProgramVisibility",
    "Province",
    "Regency",
    "Role",
    "Submission",
    "User",
]
