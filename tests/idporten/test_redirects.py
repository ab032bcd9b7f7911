from __future__ import annotations

import pytest

from idporten.redirects import safe_local_path


@pytest.mark.parametrize(
    "path", ["/", "/min-side/", "/min-side/?side=2&sortering=-tid", "/hjelp/#levels"]
)
def test_local_paths_are_kept(path):
    assert safe_local_path(path) == path


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "min-side/",
        "/\tevil",
        "http:/evil.example",
    ],
)
def test_anything_else_is_refused(target):
    assert safe_local_path(target) is None
