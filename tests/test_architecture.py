"""The apps depend on each other one way, and no module imports itself in a circle.

Layers, lowest first: ``leads`` (what came in) < ``verification`` (is it real, does it
fit) < ``followup`` (when and how to reach them) < ``config`` (settings, URLs, the
commands that wire everything). A module may import its own layer and those below;
``leads`` announces events (``leads.signals``) that the others subscribe to. The one
piece of ``config`` every app may use is the Celery app (``config.celery_app``), which
imports no app. Every import counts, also one inside a function.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["leads", "verification", "followup", "config"]
SHARED = {"config.celery_app"}  # infrastructure that imports no app


def _modules() -> dict[str, Path]:
    found = {}
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules that ``module`` imports, anywhere in its body."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            for end in range(len(parts), 0, -1):  # the longest prefix that is a module
                candidate = ".".join(parts[:end])
                if candidate in known:
                    if candidate != module:
                        targets.add(candidate)
                    break
    return targets


def import_graph() -> dict[str, set[str]]:
    known = _modules()
    return {module: _imports(module, path, known) for module, path in known.items()}


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def test_apps_import_only_their_own_layer_and_those_below():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if target not in SHARED and _layer(target) > _layer(module)
    )
    assert wrong == []


def test_leads_imports_no_other_app():
    graph = import_graph()
    reaching = sorted(f"{module} imports {target}" for module, targets in graph.items()
                      if module.startswith("leads") for target in targets
                      if not target.startswith("leads") and target not in SHARED)
    assert reaching == []


def test_no_model_module_imports_a_service_or_a_task():
    graph = import_graph()
    wrong = sorted(f"{module} imports {target}" for module, targets in graph.items()
                   if module.endswith(".models") for target in targets
                   if target.rpartition(".")[2] in {"services", "selectors", "tasks", "views",
                                                    "desk", "cadence", "checks"})
    assert wrong == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_through_others():
    assert _cycles(import_graph()) == []


def test_the_checks_find_what_they_look_for():
    """The walk sees imports inside functions, relative imports and circles."""
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "b.q": {"a.x"}}
    assert _cycles(graph) == [["a.x", "a.y", "a.z"]]
    known = {"leads.models": Path("leads/models.py"), "followup.cadence": Path("f.py")}
    source = ROOT / "var" / "arch_probe.py"
    source.parent.mkdir(exist_ok=True)
    source.write_text("def f():\n    from followup.cadence import cadence_stop\n"
                      "from .models import Company\n")
    try:
        assert _imports("leads.services", source, known) == {"followup.cadence",
                                                             "leads.models"}
    finally:
        source.unlink()
