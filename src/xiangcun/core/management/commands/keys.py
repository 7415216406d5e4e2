"""`xiangcun keys`: make a key for personal numbers at rest, or re-seal everything after a rotation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xiangcun.core.crypto import reseal_all
from xiangcun.domain.sealing import new_key


class Command(BaseCommand):
    help = (
        "身份证号、电话等加密字段的密钥：--new 生成一个新密钥；--reseal 按当前第一个加密密钥重新加密全部字段、"
        "按当前查询哈希密钥重算哈希（轮换密钥后运行，完成前旧密钥须保留在 XIANGCUN_ENCRYPTION_KEYS 中）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new", action="store_true", help="打印一个新密钥")
        parser.add_argument("--reseal", action="store_true", help="用当前密钥重新加密并重算查询哈希")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new"]:
            self.stdout.write(new_key())
        if options["reseal"]:
            done = reseal_all()
            for name, count in done.items():
                self.stdout.write(f"{name}：重写 {count} 行")
        if not options["new"] and not options["reseal"]:
            self.stdout.write("请指定 --new 或 --reseal")
