"""The three-layer medical security of a plan's 专栏2: basic insurance, critical-illness insurance, assistance."""

from .calculator import CATEGORIES, KINDS, LEVELS, MedicalInputError, Policy, calculate

__all__ = ["CATEGORIES", "KINDS", "LEVELS", "MedicalInputError", "Policy", "calculate"]
