"""xiangcun — 乡村振兴监测评估系统."""

__version__ = "0.1.0"
