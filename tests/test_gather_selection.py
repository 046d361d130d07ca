"""What one browser visit measures follows the selected checks, and axe-core's rules that are
slow on link-dense pages are run apart so they cannot cost the page its other results."""

from auditor import checking
from auditor.gather import AXE_OPTIONS, SLOW_ON_DENSE, _runs_rule, _without_rules, axe_options
from auditor.gatherers import page_actions
from auditor.model import PageArtifacts, Status
from auditor.scan import gather_selection
from checks.accessibility import BEST_PRACTICE_RULES, axe_rule_outcome


def test_full_suite_runs_every_action_and_axe_by_tag():
    sel = gather_selection(checking.select())
    assert sel["families"] is None and sel["axe_rules"] is None
    assert sorted(sel["best_practice"]) == sorted(BEST_PRACTICE_RULES)
    opts = axe_options(None, sel["best_practice"])
    # the WCAG rules by the same tags as the bench floor and pa11y, the best-practice tier by name
    assert {k: v for k, v in opts.items() if k != "rules"} == AXE_OPTIONS
    assert opts["rules"] == {r: {"enabled": True} for r in BEST_PRACTICE_RULES}


def test_without_the_best_practice_tier_axe_runs_as_the_floor_does():
    sel = gather_selection(checking.select(skip=["best-practice"]))
    assert sel["axe_rules"] is None and sel["best_practice"] == []
    assert axe_options(sel["axe_rules"], sel["best_practice"]) == AXE_OPTIONS


def test_deselected_families_skip_their_actions_and_axe():
    sel = gather_selection(checking.select(["discoverability"]))
    assert sel["families"] == {"discoverability"} and sel["axe_rules"] == [] and sel["best_practice"] == []
    assert axe_options(sel["axe_rules"], sel["best_practice"]) is None
    assert not [a.name for a in page_actions() if a.wanted(sel["families"]) and a.families]  # screenshots: --screenshots


def test_one_family_keeps_only_its_action():
    sel = gather_selection(checking.select(["keyboard", "axe-image-alt"]))
    # the contrast action serves the accessibility family (it measures axe-core's own needs-review
    # contrast nodes; with image-alt alone there are none and it does nothing)
    assert [a.name for a in page_actions() if a.wanted(sel["families"]) and a.families] == ["keyboard", "contrast"]
    assert axe_options(sel["axe_rules"])["runOnly"] == {"type": "rule", "values": ["image-alt"]}


def test_skipping_one_axe_rule_runs_the_rest_by_rule():
    sel = gather_selection(checking.select(skip=["axe-color-contrast"]))
    assert sel["families"] is None
    opts = axe_options(sel["axe_rules"])
    assert "color-contrast" not in opts["runOnly"]["values"] and "image-alt" in opts["runOnly"]["values"]


def test_slow_rules_are_split_off_either_way():
    by_tag = _without_rules(dict(AXE_OPTIONS), list(SLOW_ON_DENSE))
    assert by_tag["runOnly"] == AXE_OPTIONS["runOnly"]
    assert all(not _runs_rule(by_tag, r) for r in SLOW_ON_DENSE) and _runs_rule(by_tag, "image-alt")
    by_rule = _without_rules(axe_options(["target-size", "image-alt"]), list(SLOW_ON_DENSE))
    assert by_rule["runOnly"]["values"] == ["image-alt"]


def test_a_rule_that_did_not_finish_is_an_error_for_that_rule_only():
    art = PageArtifacts(url="http://127.0.0.1/az", final_url="http://127.0.0.1/az")
    art.axe = {"violations": [], "incomplete": [], "passes": [{"id": "image-alt"}], "inapplicable": [],
               "rule_errors": {"target-size": "not finished within the axe-core budget (10s, --axe-timeout)"}}
    out = axe_rule_outcome("target-size", art)
    assert out.status is Status.ERROR and "--axe-timeout" in out.detail
    assert axe_rule_outcome("image-alt", art).status is Status.PASS
