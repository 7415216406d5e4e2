"""`xiangcun audit-verify`: check the audit log's hash chain and report the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.audit import chain


class Command(BaseCommand):
    help = "核对审计日志的哈希链，报告第一处断开（条目被改动、删除或封存被篡改）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seal", action="store_true", help="先封存尚未封存的条目再核对")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["seal"]:
            self.stdout.write(f"新封存 {chain.seal()} 条")
        verdict = chain.verify()
        if not verdict.ok:
            raise CommandError(verdict.message)
        self.stdout.write(verdict.message)
        self.stdout.write(
            f"最后一条摘要：{verdict.last_digest}（请定期抄存到系统以外，以便发现末尾条目被整体删除）"
        )
