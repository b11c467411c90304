"""Writing a module back as YAML in the layout of the files in curricula/ (see its README)."""

import re
from decimal import Decimal

import yaml

WIDTH = 92  # PyYAML breaks after this column, so lines stay near 100


class FlowList(list):
    """A short list written on one line: prerequisites: [EV-101-U1, EV-101-U2]."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Indent list items under their key, as people write them by hand.
        return super().increase_indent(flow, False)


def _represent_text(dumper, text):
    style = None
    if "\n" in text:
        style = "|"
    elif dumper.fold and len(text) > 80:
        style = ">"
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_hours(dumper, value):
    value = Decimal(value)
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_float(float(value))


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(Decimal, _represent_hours)
_Dumper.add_representer(
    FlowList,
    lambda dumper, items: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", items, flow_style=True
    ),
)


def dump_module(document, fold=True):
    """The module document as YAML text; fold=False keeps every text on one line (for diffs)."""
    document = dict(document)
    document["units"] = [
        {**unit, "prerequisites": FlowList(unit["prerequisites"])} for unit in document["units"]
    ]
    dumper_class = type("Dumper", (_Dumper,), {"fold": fold})
    text = yaml.dump(
        document,
        Dumper=dumper_class,
        allow_unicode=True,
        sort_keys=False,
        width=WIDTH if fold else float("inf"),
        default_flow_style=False,
    )
    # A blank line between units, as in the hand-written files.
    return re.sub(r"\n(  - code: )", r"\n\n\1", text).replace("\n\n  - code: ", "\n  - code: ", 1)
