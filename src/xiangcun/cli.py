"""The `xiangcun` console command.

Plain subcommands (no database needed) are looked up in PLAIN_COMMANDS and get their own
argv; everything else is handed to Django's management commands, so `xiangcun migrate`,
`xiangcun demo` and `xiangcun import-regions FILE` all work the same way.
"""

from __future__ import annotations

import importlib
import os
import sys

# name -> "module:function"; the function takes argv (without the subcommand) and returns an exit code.
PLAIN_COMMANDS: dict[str, str] = {
    "ingest": "xiangcun.domain.extraction.cli:main",
    "medical": "xiangcun.domain.medical.cli:main",
}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in PLAIN_COMMANDS:
        module_name, func_name = PLAIN_COMMANDS[args[0]].split(":")
        func = getattr(importlib.import_module(module_name), func_name)
        return int(func(args[1:]) or 0)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")  # `xiangcun import-regions` runs the import_regions command
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangcun.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["xiangcun", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
