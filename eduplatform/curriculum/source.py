"""Reading a curricula directory: YAML with line numbers, the schema, and checks across files."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError
from yaml.nodes import MappingNode, SequenceNode

from eduplatform.curriculum.schema import (
    ModuleFile,
    ProgramFile,
    field_path,
    validation_errors,
)

PROGRAM_FILE = "program.yaml"


@dataclass
class Source:
    """One parsed file: its path, the validated model (None if invalid) and its YAML nodes."""

    path: Path
    model: object
    node: object
    data: object = None

    @property
    def code(self):
        """The file's code, read even from an invalid file so that others can refer to it."""
        if self.model is not None:
            return self.model.code
        code = self.data.get("code") if isinstance(self.data, dict) else None
        return code if isinstance(code, str) else None


@dataclass
class ProgramSource(Source):
    modules: list = field(default_factory=list)  # Sources in program.yaml's order


class FileErrors:
    """Collects {file, line, field, message} errors, each pointing at a place in a file."""

    def __init__(self):
        self.errors = []

    def add(self, path, message, loc=(), node=None, line=None):
        if line is None and node is not None:
            line = line_of(node, loc)
        self.errors.append(
            {"file": str(path), "line": line, "field": field_path(loc) or None, "message": message}
        )

    def __bool__(self):
        return bool(self.errors)


def line_of(node, loc):
    """The 1-based line of the YAML node that `loc` points at (or of its nearest parent)."""
    mark = node.start_mark
    for part in loc:
        if isinstance(node, MappingNode):
            pair = next((p for p in node.value if p[0].value == part), None)
            if pair is None:
                break
            mark, node = pair[0].start_mark, pair[1]
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return mark.line + 1


def _duplicate_keys(node, errors, path, loc=()):
    """PyYAML keeps the last of two equal keys silently; an author wants to hear about it."""
    if isinstance(node, MappingNode):
        seen = set()
        for key, value in node.value:
            if key.value in seen:
                errors.add(
                    path,
                    f"key {key.value!r} appears twice",
                    (*loc, key.value),
                    line=key.start_mark.line + 1,
                )
            seen.add(key.value)
            _duplicate_keys(value, errors, path, (*loc, key.value))
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _duplicate_keys(item, errors, path, (*loc, index))


def read_file(path, schema, errors):
    """Parse and validate one file: None if it is not YAML, a Source without model if invalid."""
    try:
        text = path.read_text(encoding="utf-8")
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        errors.add(path, f"not valid YAML: {problem.problem}", line=mark.line + 1 if mark else None)
        return None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as problem:
        errors.add(path, f"cannot read the file: {problem}")
        return None
    if node is None:
        errors.add(path, "the file is empty")
        return None
    before = len(errors.errors)
    _duplicate_keys(node, errors, path)
    try:
        model = schema.model_validate(data)
    except ValidationError as invalid:
        for loc, message in validation_errors(invalid):
            errors.add(path, message, loc, node)
        model = None
    if len(errors.errors) != before:
        model = None
    return Source(path, model, node, data)


def program_directories(directory):
    """`directory` itself when it holds program.yaml, else its subdirectories that do."""
    directory = Path(directory)
    if (directory / PROGRAM_FILE).is_file():
        return [directory]
    return sorted(p for p in directory.iterdir() if (p / PROGRAM_FILE).is_file())


def read_curricula(directory):
    """Every program under `directory` with its modules, and the errors found (all of them)."""
    errors = FileErrors()
    directory = Path(directory)
    if not directory.is_dir():
        errors.add(directory, "no such directory")
        return [], errors.errors
    programs = []
    for program_dir in program_directories(directory):
        program = read_file(program_dir / PROGRAM_FILE, ProgramFile, errors)
        modules = [
            read_file(path, ModuleFile, errors)
            for path in sorted(program_dir.glob("*.yaml"))
            if path.name != PROGRAM_FILE
        ]
        if program is not None and program.model is not None:
            program = ProgramSource(program.path, program.model, program.node)
            _link_modules(program, [m for m in modules if m is not None and m.code], errors)
            programs.append(program)
    if not programs and not errors:
        errors.add(directory, f"no {PROGRAM_FILE} found here or in its subdirectories")
    _check_unique_codes(programs, errors)
    unit_owners = _unit_owners(programs)
    for program in programs:
        for module in program.modules:
            if module.model is not None:
                check_units(module, errors, unit_owners)
    return programs, errors.errors


def _link_modules(program, modules, errors):
    """Put the module files in program.yaml's order; report files and entries that do not match."""
    by_code = {}
    for module in modules:
        code = module.code
        if code in by_code:
            errors.add(
                module.path,
                f"module {code} is also defined in {by_code[code].path.name}",
                ("code",),
                module.node,
            )
            continue
        by_code[code] = module
        if module.model is None:
            continue
        if module.model.program != program.model.code:
            errors.add(
                module.path,
                f"this directory holds program {program.model.code}, not {module.model.program}",
                ("program",),
                module.node,
            )
        if code not in program.model.modules:
            errors.add(
                module.path,
                f"module {code} is not listed in {PROGRAM_FILE}",
                ("code",),
                module.node,
            )
    listed = set()
    for index, code in enumerate(program.model.modules):
        if code in listed:
            errors.add(
                program.path, f"module {code} is listed twice", ("modules", index), program.node
            )
        elif code not in by_code:
            errors.add(
                program.path,
                f"module {code} is listed but no file defines it",
                ("modules", index),
                program.node,
            )
        else:
            program.modules.append(by_code[code])
        listed.add(code)


def _check_unique_codes(programs, errors):
    seen = {}
    for program in programs:
        if program.model.code in seen:
            errors.add(
                program.path,
                f"program {program.model.code} is also defined in {seen[program.model.code]}",
                ("code",),
                program.node,
            )
        seen[program.model.code] = program.path
    modules = {}
    for program in programs:
        for module in program.modules:
            if module.code in modules:
                errors.add(
                    module.path,
                    f"module {module.code} is also defined in {modules[module.code]}",
                    ("code",),
                    module.node,
                )
            modules[module.code] = module.path


def _unit_owners(programs):
    return {
        unit.code: module.model.code
        for program in programs
        for module in program.modules
        if module.model is not None
        for unit in module.model.units
    }


def check_units(module, errors, unit_owners):
    """Unit codes unique and prefixed by the module; prerequisites known, local and acyclic."""
    code = module.model.code
    positions = {}
    for index, unit in enumerate(module.model.units):
        if not unit.code.startswith(f"{code}-"):
            errors.add(
                module.path,
                f"a unit code starts with its module's code, like {code}-U1",
                ("units", index, "code"),
                module.node,
            )
        if unit.code in positions:
            errors.add(
                module.path,
                f"unit code {unit.code} is used twice (first in units[{positions[unit.code]}])",
                ("units", index, "code"),
                module.node,
            )
        else:
            positions[unit.code] = index
    graph = {}
    for index, unit in enumerate(module.model.units):
        for n, required in enumerate(unit.prerequisites):
            loc = ("units", index, "prerequisites", n)
            if required == unit.code:
                errors.add(module.path, "a unit cannot require itself", loc, module.node)
            elif required in positions:
                graph.setdefault(unit.code, []).append(required)
            elif unit_owners.get(required, code) != code:
                errors.add(
                    module.path,
                    f"{required} belongs to module {unit_owners[required]}; "
                    "prerequisites must be units of the same module",
                    loc,
                    module.node,
                )
            else:
                errors.add(module.path, f"unknown unit {required}", loc, module.node)
    cycle = find_cycle(graph)
    if cycle:
        errors.add(
            module.path,
            "prerequisite cycle: " + " → ".join(cycle),
            ("units", positions[cycle[0]], "prerequisites"),
            module.node,
        )


def find_cycle(graph):
    """One cycle in {node: [required, ...]} as [a, b, ..., a], or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        trail.append(node)
        for required in graph.get(node, ()):
            if state.get(required) == "open":
                return trail[trail.index(required) :] + [required]
            if required not in state:
                found = visit(required, trail)
                if found:
                    return found
        trail.pop()
        state[node] = "done"
        return None

    for start in list(graph):
        if start not in state:
            found = visit(start, [])
            if found:
                return found
    return None
