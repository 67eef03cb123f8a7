"""Scenario files: the default fleet, and clear errors for bad files."""

from __future__ import annotations

import pytest

from lab.configmode import load_config
from lab.scenario import ScenarioError, load_scenario, parse_scenario


def test_default_scenario_shape() -> None:
    scenario = load_scenario("default")
    assert len(scenario.routers) >= 12
    roles = {r.role for r in scenario.routers}
    assert {"hub", "spoke", "dual-isp"} <= roles
    assert any(r.legacy_ssh for r in scenario.routers)


@pytest.mark.parametrize("router", load_scenario("default").routers, ids=lambda r: r.name)
def test_startup_configs_are_accepted_and_stable(router: object) -> None:
    config = router.config  # type: ignore[attr-defined]
    tree, rejected = load_config(config)
    assert rejected == []
    again, _ = load_config(tree.render_body())
    assert again.render_body() == tree.render_body()


BAD = """name: broken
routers:
  - name: R1
    config: |
      hostname R1
  - name: R2
    legacy_ssh: sometimes
    config: |
      hostname R2
"""


def test_bad_field_names_file_line_and_field() -> None:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(BAD, "lab/scenarios/broken.yaml")
    assert str(err.value).startswith("lab/scenarios/broken.yaml:7: routers.1.legacy_ssh:")


def test_unknown_key_is_an_error() -> None:
    text = "name: x\nrouters:\n  - name: R1\n    colour: blue\n    config: hostname R1\n"
    with pytest.raises(ScenarioError, match=r"x.yaml:4: routers.0.colour: Extra inputs"):
        parse_scenario(text, "x.yaml")


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(ScenarioError, match=r"y\.yaml:4: not valid YAML: expected .,. or .\]."):
        parse_scenario("name: x\nrouters:\n  - [unclosed\n", "y.yaml")


def test_unknown_scenario_lists_the_shipped_ones() -> None:
    with pytest.raises(ScenarioError, match=r"shipped scenarios: .*default"):
        load_scenario("nope")


def test_a_platform_the_lab_does_not_simulate_is_an_error() -> None:
    text = "name: x\nrouters:\n  - name: FW1\n    platform: pix\n    config: hostname FW1\n"
    with pytest.raises(
        ScenarioError, match=r"x.yaml:4: routers.0.platform: Input should be 'ios-xe' or 'asa'"
    ):
        parse_scenario(text, "x.yaml")


def test_mixed_includes_every_region_with_its_credentials_and_faults() -> None:
    mixed = load_scenario("mixed")
    parts = [load_scenario(n) for n in ("default", "flexvpn", "asa", "dmvpn")]
    assert [r.name for r in mixed.routers] == [r.name for p in parts for r in p.routers]
    assert len(mixed.faults) == sum(len(p.faults) for p in parts)
    for part in parts:
        for router in part.routers:
            joined = next(r for r in mixed.routers if r.name == router.name)
            assert mixed.credentials_of(joined) == part.credentials_of(router)


def test_include_loops_and_repeated_routers_are_errors(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    loop = tmp_path / "loop.yaml"
    loop.write_text(f"name: loop\ninclude: [{loop}]\nrouters: []\n")
    with pytest.raises(ScenarioError, match="loop"):
        load_scenario(loop)
    twice = tmp_path / "twice.yaml"
    twice.write_text("name: twice\ninclude: [default, default]\nrouters: []\n")
    with pytest.raises(ScenarioError, match="repeat router names: BR01"):
        load_scenario(twice)
