from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xiangcun.accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import signals  # noqa: F401 - connects the security-log receivers
        from .models import SecurityPolicy, TotpDevice, User

        # A password change is logged by what happened (views.log_password_change), never the hash or time.
        auditlog.register(User, exclude_fields=["password", "last_login", "password_changed_at"])
        auditlog.register(SecurityPolicy)
        auditlog.register(TotpDevice, exclude_fields=["secret", "last_step"])
