from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "启动网站（waitress，生产可用的 WSGI 服务器），启动前自动迁移数据库并收集静态文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.servers.basehttp import get_internal_wsgi_application
        from waitress import serve

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        # the project's WSGI_APPLICATION, loaded after collectstatic so that WhiteNoise finds the files
        application = get_internal_wsgi_application()

        host, port = options["host"], options["port"]
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        self.stdout.write(f"乡村振兴监测评估系统已启动：http://{shown}:{port}/  （按 Ctrl+C 停止）")
        if host not in ("127.0.0.1", "localhost") and "*" not in settings.ALLOWED_HOSTS:
            self.stdout.write("提示：从其他机器访问时，请设置环境变量 ALLOWED_HOSTS。")
        serve(application, host=host, port=port, threads=options["threads"], ident="xiangcun")
