"""Database models, one module per aggregate."""

from kerapu.models.programs import (
    CatalogueState,
    Category,
    Program,
    ProgramVisibility,
)
from kerapu.models.reference import BusinessField
from kerapu.models.regions import Balai, Province, Regency

__all__ = [
    "Balai",
    "BusinessField",
    "CatalogueState",
    "Category",
    "Program",
    "ProgramVisibility",
    "Province",
    "Regency",
]
