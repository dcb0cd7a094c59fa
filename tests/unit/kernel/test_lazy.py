"""Names imported on first use (kernel.lazy, decision 70): an API init registers its routes without importing
their models and logic; a route's first request loads them, validation and the document see the real models."""

import json
import sys
import textwrap

import pytest

from kernel.lazy import Lazy, load_names_of, on_first_use
from support.triggers import Context, api_event

MODELS = """
from pydantic import Field

from kernel.model import Model


class Widget(Model):
    name: str = Field(max_length=5)


def shout(widget):
    return Widget(name=widget.name.upper())
"""

ROUTES = """
from __future__ import annotations

from kernel.api import create_app
from kernel.lazy import on_first_use

app = create_app()
{imports}


@app.post("/v1/widgets", status_code=201)
def post_widget(body: Widget) -> Widget:
    return _shouted(body)


def _shouted(widget):
    return rules.shout(widget)
"""
LAZY = 'Widget = on_first_use(globals(), "{models}", "Widget")\nrules = on_first_use(globals(), "{package}", "{leaf} as rules")'
EAGER = "from {models} import Widget\nfrom {package} import {leaf} as rules"


@pytest.fixture
def modules(tmp_path, monkeypatch, request):
    """A package of models and two route modules over it, one importing it on first use, one at import."""
    package = f"lazy_{request.node.name.replace('[', '_').replace(']', '')}"
    (tmp_path / package).mkdir()
    (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / package / "models.py").write_text(MODELS)
    names = {"models": f"{package}.models", "package": package, "leaf": "models"}
    for variant, imports in (("lazy", LAZY), ("eager", EAGER)):
        (tmp_path / f"{package}_{variant}.py").write_text(ROUTES.format(imports=textwrap.dedent(imports.format(**names))))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield package
    for name in [name for name in sys.modules if name.startswith(package)]:
        del sys.modules[name]


def _post(app, body) -> tuple[int, dict]:
    answer = app.resolve(api_event("POST", "/v1/widgets", body), Context())
    return answer["statusCode"], json.loads(answer["body"])


def test_a_route_module_imports_its_models_on_the_first_request_and_validates_with_them(modules):
    app = __import__(f"{modules}_lazy").app
    assert f"{modules}.models" not in sys.modules  # the init registered the route only

    assert _post(app, {"name": "toolong"})[0] == 422  # the real model's bound, named by the problem
    assert _post(app, {"name": "toolong"})[1]["errors"][0]["field"] == "name"
    assert f"{modules}.models" in sys.modules
    assert _post(app, {"name": "ab"}) == (201, {"name": "AB"})
    namespace = sys.modules[f"{modules}_lazy"].__dict__
    assert not isinstance(namespace["Widget"], Lazy) and not isinstance(namespace["rules"], Lazy)  # replaced by the real ones


def test_the_document_is_the_one_eager_imports_give(modules):
    lazy, eager = __import__(f"{modules}_lazy").app, __import__(f"{modules}_eager").app
    assert lazy.get_openapi_json_schema() == eager.get_openapi_json_schema()


def test_a_function_loads_the_names_of_its_annotations_code_and_the_module_functions_it_calls(modules):
    module = __import__(f"{modules}_lazy")
    load_names_of(module.post_widget)  # annotations name Widget; it calls _shouted, which uses rules
    assert not isinstance(module.Widget, Lazy) and not isinstance(module.rules, Lazy)


def test_a_stand_in_forwards_what_is_asked_of_it_before_it_is_replaced(modules):
    namespace: dict = {}
    namespace["Widget"] = on_first_use(namespace, f"{modules}.models", "Widget")
    assert f"{modules}.models" not in sys.modules
    assert namespace["Widget"](name="x").name == "x"  # called through the stand-in
    assert namespace["Widget"].__name__ == "Widget"  # now the class itself
