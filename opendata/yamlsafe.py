"""YAML as the editors of metadata write it, read safely: libyaml's C parser where it is
installed (ten times faster than the pure-Python one), no aliases (a few hundred bytes of
nested aliases expand to gigabytes), no duplicate keys (YAML lets the last one win silently),
no tags beyond the safe ones, no nesting deeper than MAX_DEPTH (libyaml's composer recurses in
C: 50,000 brackets, 100 KB of metadata, crash the interpreter with a segmentation fault).

    load(text_or_bytes) -> value            raises YamlError with a line number and a code
"""

from __future__ import annotations

import yaml

try:  # libyaml, when PyYAML was built with it
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - the pure-Python loader behaves the same
    from yaml import SafeLoader as _Base


MAX_DEPTH = 64   # metadata nests 6 levels; a parser event scan finds the depth before composing


class YamlError(ValueError):
    """What is wrong, where: `code` names a message (`problem.<code>`), `line` is 1-based."""

    def __init__(self, code: str, line: int | None, detail: str = ""):
        super().__init__(f"{code} at line {line}: {detail}")
        self.code, self.line, self.detail = code, line, detail


def _line(node) -> int | None:
    mark = getattr(node, "start_mark", None)
    return None if mark is None else mark.line + 1


def _refuse_aliases(root) -> None:
    """An alias is a node reached twice in the composed graph (the C composer resolves them
    before Python sees any event). Walking the graph is cheap: the bomb is only in its expansion."""
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise YamlError("yaml_alias", _line(node), "")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


class _Loader(_Base):
    def construct_document(self, node):
        _refuse_aliases(node)
        return super().construct_document(node)

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the base constructor reports it
                break
            if duplicate:
                raise YamlError("yaml_duplicate_key", _line(key_node), str(key))
            seen[key] = True
        return super().construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Loader.construct_mapping)
# dates stay text (`released: 2026-12-02` is the string the schema expects, as when quoted)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()}


_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _refuse_depth(source: str) -> None:
    """The parser's events come from libyaml's own state stack (no recursion): counting them
    costs less than loading, and stops at the first level too deep."""
    depth = 0
    for event in yaml.parse(source, Loader=_Base):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError("yaml_too_deep", event.start_mark.line + 1, str(MAX_DEPTH))
        elif isinstance(event, _CLOSE):
            depth -= 1


def load(source: str | bytes):
    """The value of a YAML document; YamlError for aliases, duplicate keys, bad syntax or an
    encoding that is not UTF-8."""
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError as error:
            raise YamlError("yaml_not_utf8", None, str(error)) from error
    try:
        _refuse_depth(source)
        return yaml.load(source, Loader=_Loader)  # noqa: S506 - a safe loader, subclassed
    except YamlError:
        raise
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise YamlError("yaml_invalid", None if mark is None else mark.line + 1,
                        str(error)) from error
    except (ValueError, TypeError, RecursionError) as error:  # e.g. an unhashable key
        raise YamlError("yaml_invalid", None, str(error)) from error
