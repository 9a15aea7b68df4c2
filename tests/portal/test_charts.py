"""The SVG chart helper: well-formed, escaped, proportional, and honest about empty data."""

import re
import xml.etree.ElementTree as ET

import pytest

from shops import charts
from shops.money import format_fen

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - our own output


def bar_widths(root: ET.Element) -> list[float]:
    return [float(r.get("width")) for r in root.iter(f"{SVG}rect")]


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (2500, 5000), (99, 100)]
)
def test_nice_ceiling(value, expected):
    assert charts.nice_ceiling(value) == expected


def test_bar_chart_is_proportional_and_labels_each_value():
    svg = charts.bar_chart([("静安寺店", 30000), ("徐家汇店", 15000)], title="Sales", fmt=format_fen)
    root = parse(svg)
    widths = bar_widths(root)
    assert len(widths) == 2
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.01)
    text = "".join(root.itertext())
    assert "¥300.00" in text and "¥150.00" in text and "静安寺店" in text
    assert root.find(f"{SVG}title").text == "Sales"


def test_labels_are_escaped():
    svg = charts.bar_chart([("<script>alert(1)</script>", 3)], title="<b>x</b>")
    assert "<script>" not in str(svg)
    assert "&lt;script&gt;" in str(svg)
    parse(svg)  # still well-formed XML


def test_empty_data_says_so_instead_of_drawing_nothing():
    for svg in (
        charts.bar_chart([], title="t", empty="No sales yet"),
        charts.bar_chart([("a", 0)], title="t", empty="No sales yet"),
        charts.stacked_bar_chart(["1", "2"], [("a", [0, 0])], title="t", empty="No sales yet"),
        charts.line_chart([], [], title="t", empty="No sales yet"),
        charts.funnel_chart([("claimed", 0)], title="t", empty="No sales yet"),
    ):
        assert "No sales yet" in "".join(parse(svg).itertext())


def test_stacked_bars_stack_series_to_the_total():
    svg = charts.stacked_bar_chart(
        ["11-01", "11-02"], [("online", [100, 0]), ("in store", [100, 50])], title="By channel"
    )
    root = parse(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    heights = {r.find(f"{SVG}title").text: float(r.get("height")) for r in bars}
    # Day one: two equal segments; day two: one segment a quarter of day one's total.
    assert heights["11-01 · online: 100"] == pytest.approx(heights["11-01 · in store: 100"])
    assert heights["11-02 · in store: 50"] == pytest.approx(heights["11-01 · online: 100"] / 2)
    assert "11-02 · online: 0" not in heights  # zero segments are not drawn
    assert "online" in "".join(root.itertext())  # legend


def test_line_chart_has_one_polyline_per_series_and_thins_axis_labels():
    labels = [f"d{i}" for i in range(30)]
    svg = charts.line_chart(labels, [("a", list(range(30))), ("b", [5] * 30)], title="t")
    root = parse(svg)
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    axis_labels = [t.text for t in root.iter(f"{SVG}text") if t.text and re.fullmatch(r"d\d+", t.text)]
    assert 2 <= len(axis_labels) <= 6


def test_funnel_shows_each_step_with_its_share_of_the_first():
    svg = charts.funnel_chart(
        [("Claimed", 200), ("Redeemed online", 50), ("Redeemed in store", 100)], title="f"
    )
    root = parse(svg)
    text = "".join(root.itertext())
    assert "Claimed · 200 (100%)" in text
    assert "Redeemed online · 50 (25%)" in text
    assert "Redeemed in store · 100 (50%)" in text
    widths = bar_widths(root)
    assert widths[0] == pytest.approx(4 * widths[1])


def test_long_labels_are_cut_to_fit_with_chinese_counted_as_wider():
    assert charts._truncate("静安寺店 Jing'an", 1000) == "静安寺店 Jing'an"
    cut = charts._truncate("上海市静安区南京西路旗舰店", 80)
    assert cut.endswith("…") and charts.text_width(cut) <= 80
    assert len(charts._truncate("abcdefghijklmnopqrstuvwxyz", 80)) > len(cut)


def test_money_axes_use_whole_yuan_so_labels_fit():
    svg = charts.stacked_bar_chart(
        ["11-01"], [("online", [4_500_000])], title="t", fmt=format_fen, axis_fmt=charts.axis_yuan
    )
    texts = [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert "¥50,000" in texts and "¥25,000" in texts
    assert not any(t and t.startswith("¥50,000.") for t in texts)
    assert charts.axis_yuan(12345) == "¥123"


def test_an_axis_up_to_one_has_no_half_label():
    svg = charts.line_chart(["a", "b"], [("scans", [0, 1])], title="t")
    labels = [t.text for t in parse(svg).iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert labels == ["0", "1"]
