"""The report's charts as PNG pictures, drawn with matplotlib in a Chinese font.

Font: the first installed font of `PREFERRED` (Debian's fonts-noto-cjk, which .ci/run and the README
install, gives Noto Sans CJK SC; Windows and macOS names follow); on a machine with none of them, the
subset of Noto Sans CJK SC shipped in reports/data (ASCII, CJK punctuation and the 6,763 hanzi of
GB 2312, SIL OFL) — so the charts never show empty boxes for the report's own words. Glyphs a chosen
font lacks (a rare character in a place name) fall back through the family list.
"""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from xiangcun.domain.report import Chart  # noqa: E402

BUNDLED_FONT = Path(__file__).parent / "data" / "NotoSansSC-GB2312.otf"
PREFERRED = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Noto Sans CJK JP",
)
COLOURS = ("#2f6f4f", "#c0504d", "#4f81bd", "#9bbb59", "#8064a2", "#f79646", "#7f7f7f")


@cache
def font() -> tuple[str, str]:
    """(family name, file) of the font the charts use."""
    installed = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for name in PREFERRED:
        if name in installed:
            return name, installed[name]
    font_manager.fontManager.addfont(str(BUNDLED_FONT))
    name = font_manager.FontProperties(fname=str(BUNDLED_FONT)).get_name()
    return name, str(BUNDLED_FONT)


def missing_glyphs(text: str, path: str | None = None) -> str:
    """The characters of `text` the chart font has no glyph for (what would show as empty boxes)."""
    face = FT2Font(path or font()[1])
    return "".join(sorted({c for c in text if not c.isspace() and face.get_char_index(ord(c)) == 0}))


def _families() -> list[str]:
    name = font()[0]
    families = [name]
    if Path(font()[1]) != BUNDLED_FONT:
        font_manager.fontManager.addfont(str(BUNDLED_FONT))
        families.append(font_manager.FontProperties(fname=str(BUNDLED_FONT)).get_name())
    return [*dict.fromkeys(families), "DejaVu Sans"]


def texts_of(chart: Chart) -> str:
    """Every word a chart writes (for the glyph check)."""
    return " ".join([chart.caption, chart.unit, *chart.labels, *chart.series])


def render(chart: Chart, dpi: int = 150) -> bytes:
    """The chart as a PNG."""
    families = _families()
    rc = {"font.family": families, "axes.unicode_minus": False, "font.size": 9}
    with matplotlib.rc_context(rc):
        rows = len(chart.labels)
        height = 3.2 if chart.kind != "barh" else max(2.4, min(9.0, 0.32 * rows + 1.0))
        fig = Figure(figsize=(6.4, height), dpi=dpi)
        ax = fig.add_subplot()
        ax.spines[["top", "right"]].set_visible(False)
        for i, (name, values) in enumerate(chart.series.items()):
            ys = [math.nan if v is None else float(v) for v in values]
            colour = COLOURS[i % len(COLOURS)]
            if chart.kind == "line":
                ax.plot(chart.labels, ys, marker="o", color=colour, label=name)
                for x, y in zip(chart.labels, ys, strict=False):
                    if not math.isnan(y):
                        ax.annotate(
                            f"{y:.1f}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center"
                        )
                ax.set_ylim(0, 100)
            elif chart.kind == "bar":
                bars = ax.bar(chart.labels, [0 if math.isnan(y) else y for y in ys], color=colour, label=name)
                ax.bar_label(bars, fmt="%g")
            else:
                labels = list(reversed(chart.labels))
                values = list(reversed([0 if math.isnan(y) else y for y in ys]))
                colours = [COLOURS[1] if lab == chart.highlight else colour for lab in labels]
                bars = ax.barh(labels, values, color=colours, label=name)
                ax.bar_label(bars, fmt="%.1f", padding=2)
                ax.set_xlim(0, 105)
        if chart.unit:
            (ax.set_xlabel if chart.kind == "barh" else ax.set_ylabel)(chart.unit)
        ax.set_title(chart.caption.split(" ", 1)[-1])
        # Fixed margins (tight_layout would measure every label again: a third of the drawing time).
        longest = max((len(label) for label in chart.labels), default=2)
        left = min(0.4, 0.06 + 0.022 * longest) if chart.kind == "barh" else 0.1
        bottom = (0.14 if chart.kind != "barh" else 0.5 / height + 0.02) + 0.03
        fig.subplots_adjust(left=left, right=0.96, top=1 - 0.45 / height, bottom=bottom)
        out = io.BytesIO()
        fig.savefig(out, format="png")
    return out.getvalue()
