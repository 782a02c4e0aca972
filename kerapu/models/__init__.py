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
from kerapu.models.workflow import (
    Application,
    Cooperation,
    Kind,
    ProgressPhoto,
    ProgressReport,
    Proposal,
    Status,
    StatusChange,
)

__all__ = [
    "Application",
    "Balai",
    "BusinessField",
    "CatalogueState",
    "Category",
    "Cooperation",
    "Kind",
    "Mitra",
    "OutboxMessage",
    "Program",
    "ProgramVisibility",
    "ProgressPhoto",
    "ProgressReport",
    "Proposal",
    "Province",
    "Regency",
    "Role",
    "Status",
    "StatusChange",
    "Submission",
    "User",
]
