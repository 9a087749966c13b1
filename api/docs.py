"""Turn the OpenAPI description into plain data for a server-rendered reference page.

The page is built from the same schema that `/api/schema/` serves, so the two cannot disagree,
and it needs no JavaScript, no CDN and no inline script (unlike Swagger UI or Redoc).
"""

import functools

from drf_spectacular.generators import SchemaGenerator

REF_PREFIX = "#/components/schemas/"
METHOD_ORDER = ["get", "head", "options", "post", "put", "patch", "delete"]


def openapi_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def describe(schema: dict) -> dict:
    """A property or parameter type as words and an optional link: {"text", "ref", "values"}."""
    schema = schema or {}
    nullable = bool(schema.get("nullable"))
    variants = schema.get("oneOf") or schema.get("anyOf") or schema.get("allOf")
    if "$ref" in schema:
        result = {"text": "", "ref": schema["$ref"].removeprefix(REF_PREFIX)}
    elif variants:
        parts = [describe(variant) for variant in variants if variant.get("type") != "null"]
        nullable = nullable or any(variant.get("type") == "null" for variant in variants)
        refs = [part["ref"] for part in parts if part.get("ref") and part["ref"] != "BlankEnum"]
        blank = any(part.get("ref") == "BlankEnum" for part in parts)
        if len(refs) == 1:
            result = {"text": "or empty string" if blank else "", "ref": refs[0], "after": True}
        else:
            result = {"text": " or ".join(part["text"] or part.get("ref", "") for part in parts), "ref": None}
    elif schema.get("type") == "array":
        item = describe(schema.get("items", {}))
        result = {"text": f"array of {item['text']}".strip(), "ref": item.get("ref"), "values": item.get("values")}
    else:
        text = schema.get("type", "any")
        if schema.get("format"):
            text = f"{text} ({schema['format']})"
        result = {"text": text, "ref": None}
        if schema.get("enum"):
            result["values"] = [value for value in schema["enum"] if value not in ("", None)]
    if nullable:
        result["nullable"] = True
    return result


def _parameters(operation: dict) -> list[dict]:
    rows = []
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        limits = [f"{key} {schema[key]}" for key in ("minimum", "maximum", "default") if key in schema]
        rows.append(
            {
                "name": parameter["name"],
                "location": parameter["in"],
                "required": parameter.get("required", False),
                "type": describe(schema),
                "repeatable": schema.get("type") == "array",
                "description": parameter.get("description", ""),
                "limits": ", ".join(limits),
            }
        )
    return rows


def _responses(operation: dict) -> list[dict]:
    rows = []
    for status, response in sorted(operation.get("responses", {}).items()):
        content = response.get("content", {})
        body = next(iter(content.values()), {}).get("schema") if content else None
        rows.append({"status": status, "description": response.get("description", ""), "body": describe(body)})
    return rows


def _components(schema: dict) -> list[dict]:
    components = []
    for name, component in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(component.get("required", []))
        properties = [
            {
                "name": field,
                "type": describe(definition),
                "required": field in required,
                "description": definition.get("description", ""),
            }
            for field, definition in component.get("properties", {}).items()
        ]
        components.append(
            {
                "name": name,
                "description": component.get("description", ""),
                "properties": properties,
                "values": [value for value in component.get("enum", []) if value not in ("", None)],
            }
        )
    return components


@functools.cache
def reference() -> dict:
    """The whole reference, computed once per process: the schema only changes with the code."""
    schema = openapi_schema()
    operations = []
    for path, item in sorted(schema.get("paths", {}).items()):
        for method in sorted(item, key=lambda name: METHOD_ORDER.index(name) if name in METHOD_ORDER else 99):
            operation = item[method]
            operations.append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": _parameters(operation),
                    "responses": _responses(operation),
                }
            )
    return {
        "title": schema["info"]["title"],
        "version": schema["info"]["version"],
        "description": schema["info"].get("description", ""),
        "operations": operations,
        "components": _components(schema),
    }
