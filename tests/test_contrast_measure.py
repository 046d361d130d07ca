"""The pixel contrast measure (auditor/gatherers/contrast.py) on synthetic backgrounds: no
browser, the judgement alone."""

from __future__ import annotations

from PIL import Image

from auditor.gatherers.contrast import _add_incomplete, judge, ratio

AA = (4.5, 3.0)


def chars_on_row(n, color, size=16.0, bold=False, width=10, height=18, x0=0):
    return [{"x": x0 + i * width, "y": 0, "w": width, "h": height, "color": color, "size": size,
             "bold": bold, "ch": "abcdefghijklmnopqrstuvwxyz"[i % 26]} for i in range(n)]


def gradient(width, height, left, right):
    img = Image.new("RGB", (width, height))
    px = img.load()
    for x in range(width):
        t = x / max(1, width - 1)
        c = tuple(round(left[k] + (right[k] - left[k]) * t) for k in range(3))
        for y in range(height):
            px[x, y] = c
    return img


def test_wcag_ratio_matches_known_values():
    assert round(ratio((0, 0, 0), (255, 255, 255)), 2) == 21.0
    assert round(ratio((0x76, 0x76, 0x76), (255, 255, 255)), 2) == 4.54
    assert round(ratio((0x66, 0x66, 0x66), (255, 255, 255)), 2) == 5.74


def test_dark_text_on_a_light_gradient_passes_only_where_every_character_clears():
    img = gradient(200, 18, (255, 255, 255), (230, 230, 230))
    got = judge(chars_on_row(20, [0, 0, 0, 1]), img, (0, 0), 1.0, AA)
    assert got["verdict"] == "pass" and got["lowest"] > 15


def test_faint_text_fails_and_names_the_worst_character():
    img = gradient(200, 18, (255, 255, 255), (230, 230, 230))
    got = judge(chars_on_row(20, [160, 160, 160, 1]), img, (0, 0), 1.0, AA)
    assert got["verdict"] == "fail"
    assert got["failing_chars"] == 20 and got["need"] == 4.5 and got["worst"] < 3


def test_text_that_runs_onto_the_light_end_of_a_gradient_fails_there_only():
    # white text; the background goes from navy to white: the first characters pass, the last fail
    img = gradient(400, 18, (17, 46, 81), (255, 255, 255))
    got = judge(chars_on_row(40, [255, 255, 255, 1]), img, (0, 0), 1.0, AA)
    assert got["verdict"] == "fail"
    assert 0 < got["failing_chars"] < 40


def test_text_kept_on_the_dark_part_of_a_gradient_passes():
    img = gradient(900, 18, (17, 46, 81), (255, 255, 255))
    got = judge(chars_on_row(20, [255, 255, 255, 1]), img, (0, 0), 1.0, AA)
    assert got["verdict"] == "pass"


def test_large_text_is_held_to_three_to_one():
    img = Image.new("RGB", (200, 30), (255, 255, 255))
    grey = [0x95, 0x95, 0x95, 1]  # about 3.0:1 on white
    small = judge(chars_on_row(10, grey, size=16), img, (0, 0), 1.0, AA)
    large = judge(chars_on_row(10, grey, size=24, height=30), img, (0, 0), 1.0, AA)
    bold = judge(chars_on_row(10, grey, size=19, bold=True, height=30), img, (0, 0), 1.0, AA)
    assert small["verdict"] == "fail" and small["need"] == 4.5
    assert large["need"] == 3.0 and bold["need"] == 3.0
    assert large["verdict"] != "fail" and bold["verdict"] != "fail"


def test_a_ratio_near_the_threshold_stays_undecided():
    img = Image.new("RGB", (200, 18), (255, 255, 255))
    got = judge(chars_on_row(10, [0x76, 0x76, 0x76, 1]), img, (0, 0), 1.0, AA)  # 4.54:1
    assert got["verdict"] == "unknown"


def test_translucent_text_is_composited_over_each_pixel():
    img = Image.new("RGB", (200, 18), (255, 255, 255))
    got = judge(chars_on_row(10, [0, 0, 0, 0.3]), img, (0, 0), 1.0, AA)  # black at 30%: ~2.1:1
    assert got["verdict"] == "fail"


def test_image_scale_and_origin_map_css_boxes_to_pixels():
    # the capture starts at (100, 50) CSS px and is at 2 image px per CSS px: left half dark
    img = Image.new("RGB", (400, 36), (255, 255, 255))
    for x in range(200):
        for y in range(36):
            img.putpixel((x, y), (0, 0, 0))
    left = judge(chars_on_row(5, [255, 255, 255, 1], x0=100), img, (100, 0), 2.0, AA)
    right = judge(chars_on_row(5, [255, 255, 255, 1], x0=200), img, (100, 0), 2.0, AA)
    assert left["verdict"] == "pass" and right["verdict"] == "fail"


def test_a_measured_node_moves_a_nodeless_pass_into_needs_review():
    axe = {"passes": [{"id": "color-contrast-enhanced", "nodes": []}], "incomplete": []}
    node = {"target": ["p"], "ia_barrier": "measured"}
    _add_incomplete(axe, "color-contrast-enhanced", node)
    assert axe["passes"] == []
    assert axe["incomplete"] == [{"id": "color-contrast-enhanced", "nodes": [node]}]
