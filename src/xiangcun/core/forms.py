"""Form helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms


class OptimisticLockForm(forms.ModelForm):
    """Refuses to save when the record changed after the form was opened, instead of overwriting it.

    The model needs an `updated_at` auto_now field; the form carries the value it was opened with.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.updated_at.isoformat()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk:
            current = (
                type(self.instance)
                .objects.filter(pk=self.instance.pk)
                .values_list("updated_at", flat=True)
                .first()
            )
            if current is not None and cleaned.get("version") != current.isoformat():
                raise forms.ValidationError(
                    "这条记录在您打开后已被他人修改，请刷新页面查看最新内容后再修改。"
                )
        return cleaned
