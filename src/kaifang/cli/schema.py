"""``kaifang schema``: the JSON Schema of framework.yaml / assessment.yaml, for editors
(e.g. VS Code's YAML extension checks a file against it as you type)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kaifang.cli.common import app, console

if TYPE_CHECKING:
    from pydantic import BaseModel


@app.command(
    epilog="Example: kaifang schema framework -o framework.schema.json "
    "(then add '# yaml-language-server: $schema=framework.schema.json' to framework.yaml)"
)
def schema(
    kind: Annotated[str, typer.Argument(help="framework or assessment")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to a file.")] = None,
) -> None:
    """Print (or write) the JSON Schema of framework.yaml or assessment.yaml."""
    from kaifang.assessment.config import AssessmentConfig
    from kaifang.framework import FrameworkFile

    models: dict[str, type[BaseModel]] = {
        "framework": FrameworkFile,
        "assessment": AssessmentConfig,
    }
    if kind not in models:
        raise typer.BadParameter("use framework or assessment", param_hint="KIND")
    text = json.dumps(models[kind].model_json_schema(), ensure_ascii=False, indent=2)
    if output is None:
        console.print_json(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")  # an OSError: the app's message
        console.print(str(output), markup=False, highlight=False)
