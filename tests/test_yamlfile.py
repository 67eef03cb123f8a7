"""YAML with line numbers (settings, scenarios, playbooks, failover specs)."""

from __future__ import annotations

import pytest
import yaml

from nornir_tasks.yamlfile import YamlFileError, load_with_lines

TEXT = """\
name: hq
ports: [22, 2222]
when: 2026-12-03
routers:
  - name: HQ
    up: yes
  - name: BR01
    key: &k "s3cret"
copy: *k
"""


def test_data_is_what_safe_load_gives_and_every_key_has_its_line() -> None:
    data, lines = load_with_lines(TEXT, "f.yaml")
    assert data == yaml.safe_load(TEXT)
    assert lines[("routers", 1, "key")] == 8
    assert lines[("when",)] == 3
    assert lines[("ports", 1)] == 2


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("a: 1\nb: [1, 2\n", 3, "expected ',' or ']'"),
        ("a: 1\nb: c: d\n", 2, "mapping values are not allowed here"),
        ("a: 1\nb: !foo 1\n", 2, "could not determine a constructor for the tag '!foo'"),
    ],
)
def test_a_bad_file_is_named_with_its_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(YamlFileError, match=rf"^f\.yaml:{line}: not valid YAML: .*") as err:
        load_with_lines(text, "f.yaml")
    assert problem in str(err.value)
