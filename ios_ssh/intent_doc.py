"""The intent reference as a Markdown table, generated from the JSON schema."""

from __future__ import annotations

from typing import Any

from .intent import SshIntent


def _type(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "enum" in schema:
        return " \\| ".join(repr(v) if isinstance(v, str) else str(v) for v in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    if "anyOf" in schema:
        return " \\| ".join(_type(s, defs) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}), defs)}"
    if schema.get("type") == "object":
        extra = schema.get("additionalProperties")
        return f"map of {_type(extra, defs)}" if isinstance(extra, dict) else "map"
    return str(schema.get("type", "any"))


def _rows(
    prefix: str, model: dict[str, Any], defs: dict[str, Any]
) -> list[tuple[str, str, str, str]]:
    rows = []
    for name, prop in model.get("properties", {}).items():
        path = f"{prefix}{name}"
        default = prop.get("default", "")
        default_text = "" if default in ("", None) and "default" not in prop else repr(default)
        rows.append((path, _type(prop, defs), default_text, prop.get("description", "")))
        refs = [prop] + prop.get("anyOf", []) + ([prop["items"]] if "items" in prop else [])
        for ref in refs:
            target = (
                ref.get("$ref") or ref.get("items", {}).get("$ref")
                if isinstance(ref, dict)
                else None
            )
            if target:
                sub = defs[target.rsplit("/", 1)[-1]]
                suffix = "[]." if prop.get("type") == "array" or "items" in ref else "."
                rows += _rows(f"{path}{suffix}", sub, defs)
                break
    return rows


def intent_reference() -> str:
    schema = SshIntent.json_schema()
    defs = schema.get("$defs", {})
    lines = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for path, kind, default, text in _rows("", schema, defs):
        lines.append(f"| `{path}` | {kind} | {default} | {text} |")
    return "\n".join(lines) + "\n"
