"""The layout holds: every rule has one home. A view module never imports another;
no view or template re-derives a permission; the package maps name files and
functions that exist."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VIEW_MODULES = sorted([*ROOT.glob("people/views/*.py"), *ROOT.glob("ladders/views/*.py")])
TEMPLATES = sorted(ROOT.glob("**/templates/**/*.html"))
# What only a permissions module reads: the HR flag, a cycle's calibrators, the
# reporting tree as a visibility rule.
PERMISSION_FACTS = re.compile(
    r"\.is_hr\b|\.calibrators\b|calibrators(__|=)|\.visible_to\(|\bmanages\("
)


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_view_module_imports_another(path):
    views = {f"{p.parent.parent.name}.views.{p.stem}" for p in VIEW_MODULES if p.stem != "__init__"}
    assert not _imported_modules(path) & (views | {"people.views", "ladders.views"})


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_ask_the_permissions_modules(path):
    lines = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PERMISSION_FACTS.search(line)
    ]
    assert lines == [], "ask a function of people/permissions/ or ladders/permissions.py"


def test_templates_ask_the_permissions_modules():
    lines = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PERMISSION_FACTS.search(line)
    ]
    assert lines == [], "use `may` (people/context_processors.py) or what the view passes"


MAP_REFERENCE = re.compile(r"`([\w/.]+\.py)`(?:: `(\w+)`)?")


@pytest.mark.parametrize("app", ["people", "ladders"])
def test_the_package_map_names_what_exists(app):
    readme = (ROOT / app / "README.md").read_text()
    references = MAP_REFERENCE.findall(readme)
    assert len(references) >= 8
    for file, name in references:
        path = (ROOT / app / file).resolve()
        assert path.is_file(), f"{app}/README.md names {file}, which does not exist"
        if name:
            assert re.search(rf"^\s*(def|class) {name}\b|^{name} = ", path.read_text(), re.M), (
                f"{app}/README.md names {name} in {file}, which is not there"
            )


@pytest.mark.parametrize(
    "path", sorted(ROOT.glob("tests/**/*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_tests_share_builders_not_each_other(path):
    """Shared fixtures live in tests/conftest.py, shared builders in tests/builders.py:
    no test imports a conftest or another test module."""
    borrowed = {
        module
        for module in _imported_modules(path)
        if module.startswith("tests.")
        and (module.split(".")[-1] == "conftest" or ".test_" in f".{module.split('.', 1)[1]}")
    }
    assert not borrowed
