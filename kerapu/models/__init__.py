"""Database models, one module per aggregate."""

from kerapu.models.programs import Category, Program, ProgramVisibility
from kerapu.models.reference import BusinessField
from kerapu.models.regions import Balai, Province, Regency

__all__ = [
    "Balai",
    "BusinessField",
    "Category",
    "Program",
    "ProgramVisibility",
    "Province",
    "Regency",
]
