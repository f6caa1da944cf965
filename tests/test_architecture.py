"""The layering rules, checked on the source: no import cycle in the core (imports
inside functions and through packages' ``__init__`` count; only ``TYPE_CHECKING``
imports are left out), plugins reach the core only through ``consultplatform.api``
(and their tests through ``consultplatform.testing`` and its modules), the core never imports a
plugin, and no module grows past 400 lines."""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORE = "consultplatform"
PLUGIN_SURFACE = {"consultplatform.api", "consultplatform.testing"}


def _modules(package_dir: pathlib.Path) -> dict[str, pathlib.Path]:
    found = {}
    for path in package_dir.rglob("*.py"):
        parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imported_modules(path: pathlib.Path, module: str, known: set[str]) -> list[tuple[int, str]]:
    """``(line, module)`` of every import in the file, however deep, but not those under
    ``if TYPE_CHECKING:``. ``from package import name`` counts as the submodule when
    ``package.name`` is a module, and as the package otherwise."""
    is_package = path.name == "__init__.py"
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit_one(other)
                continue
            visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known]
            found.extend((node.lineno, sub) for sub in submodules)
            if len(submodules) < len(node.names):
                found.append((node.lineno, target))
        visit(node)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def core_import_graph() -> dict[str, set[str]]:
    """Module -> the core modules it makes Python load, including the ``__init__`` of
    every package on the way that is not already loading (an ancestor of the module)."""
    modules = _modules(ROOT / CORE)
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        own_packages = {".".join(module.split(".")[:i])
                        for i in range(1, module.count(".") + 1 + (path.name == "__init__.py"))}
        edges: set[str] = set()
        for _line, target in imported_modules(path, module, known):
            if target != CORE and not target.startswith(CORE + "."):
                continue
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            edges.add(target)
            parts = target.split(".")
            edges.update(".".join(parts[:i]) for i in range(1, len(parts))
                         if ".".join(parts[:i]) not in own_packages)
        edges.discard(module)
        graph[module] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path ``[a, b, ..., a]``, or ``None``."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := walk(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := walk(start)):
            return cycle
    return None


def test_the_core_has_no_import_cycle():
    cycle = find_cycle(core_import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_a_function_level_import_counts(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "one.py").write_text("def f():\n    from pkg import two\n")
    (package / "two.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                    "    from pkg import one\n")
    known = {"pkg", "pkg.one", "pkg.two"}
    assert imported_modules(package / "one.py", "pkg.one", known) == [(2, "pkg.two")]
    assert imported_modules(package / "two.py", "pkg.two", known) == [(1, "typing")]


def _plugin_files() -> list[pathlib.Path]:
    return sorted(p for p in (ROOT / "plugins").rglob("*.py") if ".venv" not in p.parts)


def test_plugins_use_the_core_only_through_the_api():
    wrong = []
    for path in _plugin_files():
        for line, target in imported_modules(path, path.stem, set()):
            allowed = target in PLUGIN_SURFACE or target.startswith("consultplatform.testing.")
            if (target == CORE or target.startswith(CORE + ".")) and not allowed:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not wrong, "plugins import the core through consultplatform.api only:\n" + \
        "\n".join(wrong)


def test_the_api_rule_sees_a_wrong_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from consultplatform.admin.base import parse_id\n")
    assert imported_modules(bad, "bad", set()) == [(2, "consultplatform.admin.base")]


def test_the_core_never_imports_a_plugin():
    plugin_packages = {p.parent.name for p in (ROOT / "plugins").glob("*/*/__init__.py")}
    modules = _modules(ROOT / CORE)
    wrong = [f"{module} imports {target}" for module, path in modules.items()
             for _line, target in imported_modules(path, module, set(modules))
             if target.split(".")[0] in plugin_packages]
    assert plugin_packages and not wrong, wrong


def test_no_module_is_over_400_lines():
    paths = [*(ROOT / CORE).rglob("*.py"), *_plugin_files()]
    long = [f"{p.relative_to(ROOT)}: {n}" for p in paths if "migrations" not in p.parts
            and (n := len(p.read_text(encoding="utf-8").splitlines())) > 400]
    assert not long, long


def test_admin_views_is_not_one_file_any_more():
    assert not (ROOT / CORE / "admin" / "views.py").exists()


def test_every_name_of_the_plugin_api_is_documented():
    import consultplatform.api as api

    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = guide.split("## The plugin API", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in api.__all__ if f"`{name}`" not in section
               and f"`{name}(" not in section]
    assert not missing, f"docs/plugins.md, 'The plugin API', does not list: {missing}"
    assert all(hasattr(api, name) for name in api.__all__)
