"""The county's password rules as Django password validators (AUTH_PASSWORD_VALIDATORS), with Chinese messages.

Each validator reads the policy that applies to the account (`policy_for`): the row of the county above the
account's region, else the default row, else the built-in defaults (8 characters, 3 classes, 90 days, 30 minutes).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from xiangcun.domain import passwords

from .models import SecurityPolicy

PATH_SEGMENT = 12


def _prefixes(path: str) -> list[str]:
    return [path[:i] for i in range(PATH_SEGMENT, len(path) + 1, PATH_SEGMENT)]


def policy_for(user: Any) -> SecurityPolicy:
    """The security settings that apply to `user` (one query; an unsaved default when none is stored)."""
    region = getattr(user, "region", None) if user is not None else None
    match = Q(region__isnull=True)
    if region is not None:
        match |= Q(region__path__in=_prefixes(region.path))
    rows = list(SecurityPolicy.objects.filter(match).select_related("region"))
    if not rows:
        return SecurityPolicy()
    return max(rows, key=lambda p: len(p.region.path) if p.region_id else -1)


class MinimumLengthValidator:
    """At least the county's minimum number of characters."""

    def validate(self, password: str, user: Any = None) -> None:
        length = policy_for(user).min_length
        if len(password) < length:
            raise ValidationError(
                f"密码太短，至少需要 {length} 个字符（现在 {len(password)} 个）。", code="password_too_short"
            )

    def get_help_text(self) -> str:
        return "密码长度不少于县里规定的最短长度。"


class CharacterClassValidator:
    """At least the county's number of character classes (大写字母、小写字母、数字、符号)."""

    def validate(self, password: str, user: Any = None) -> None:
        problem = passwords.class_problem(password, policy_for(user).min_classes)
        if problem:
            raise ValidationError(problem, code="password_too_simple")

    def get_help_text(self) -> str:
        return "密码须包含大写字母、小写字母、数字、符号中的多类字符。"


def password_help(user: Any) -> str:
    """The rules in one sentence, for the help text under a new-password field."""
    policy = policy_for(user)
    return (
        f"至少 {policy.min_length} 位，{passwords.class_help(policy.min_classes)}，"
        "不能是常见密码，不能与用户名、姓名相近。"
    )
