"""Discord's OpenAPI description as a checker of requests and responses (jsonschema).

``ApiSpec.load(path)`` reads ``openapi.json``; ``check_request`` and ``check_response`` return
the violations (empty when the body fits the schema of its route), with every ``$ref`` resolved
against the whole document.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:discord-openapi"
MAX_ERRORS = 3  # violations reported per body
SERVER_ERROR = 500  # Discord's description lists no 5xx answers; injected outages are not checked
Json = dict[str, Any]


def _escape(part: str) -> str:
    """Escape one JSON-pointer segment."""
    return part.replace("~", "~0").replace("/", "~1")


def _where(error: ValidationError) -> str:
    """Return where in the body an error is, e.g. `embeds/0/title`."""
    return "/".join(str(p) for p in error.absolute_path) or "(body)"


def _short(error: ValidationError) -> str:
    """Return an error's message, its deepest cause for a failed `oneOf`/`anyOf`."""
    while error.context:
        error = best_match(error.context)
    return f"{error.message[:200]} (at {_where(error)})"


def _integer_snowflake(error: ValidationError) -> bool:
    """Return whether an error is only an id sent as an integer where the schema says string.

    Discord reads snowflakes in requests from integers as well as strings (discord.py sends
    attachment and allowed-mention ids as integers); its description types them as strings,
    the form it always answers with. Responses are held to the strings.
    """
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance
    if schema.get("format") == "snowflake" and type(instance) is int and instance >= 0:
        return True
    return bool(error.context) and any(_integer_snowflake(c) for c in error.context)


class ApiSpec:
    """Routes, request and response schemas of Discord's OpenAPI description."""

    def __init__(self, spec: Json) -> None:
        self.spec = spec
        resource: Resource[Any] = DRAFT202012.create_resource(spec)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        routes = []
        for template in spec["paths"]:
            regex = re.escape(template)
            regex = re.sub(r"\\\{\w+\\\}", "[^/]+", regex)
            literal = len(re.sub(r"\{\w+\}", "", template))
            routes.append((re.compile(regex), template, literal))
        # Literal segments (@me, @original) win over parameters ({user_id}, {message_id}).
        self._routes = sorted(routes, key=lambda route: -route[2])
        self._validator = cache(self._make_validator)

    @classmethod
    def load(cls, path: Path) -> ApiSpec:
        """Read the description from a file."""
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def route(self, method: str, path: str) -> str | None:
        """Return the path template of `method path`, or None when Discord has no such route."""
        for regex, template, _ in self._routes:
            if regex.fullmatch(path) and method.lower() in self.spec["paths"][template]:
                return template
        return None

    def _make_validator(self, pointer: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry)

    def _errors(self, pointer: str, body: Any, what: str, *, requests: bool = False) -> list[str]:
        errors = list(self._validator(pointer).iter_errors(body))
        if requests:
            errors = [e for e in errors if not _integer_snowflake(e)]
        if not errors:
            return []
        best = best_match(errors)
        ordered = [best, *(e for e in errors if e is not best)][:MAX_ERRORS]
        return [f"{what}: at {_where(e)}: {_short(e)}" for e in ordered]

    def check_request(self, method: str, path: str, body: Any) -> list[str]:
        """Return how a request body breaks the schema of its route."""
        template = self.route(method, path)
        if template is None:
            return [f"{method} {path}: not a route of Discord's API"]
        operation = self.spec["paths"][template][method.lower()]
        request = operation.get("requestBody")
        if request is None:
            return [] if body is None else [f"{method} {template}: takes no body, got one"]
        if body is None:
            required = request.get("required", False)
            return [f"{method} {template}: the body is required"] if required else []
        if "application/json" not in request["content"]:
            return []
        operation_at = f"/paths/{_escape(template)}/{method.lower()}"
        pointer = f"{operation_at}/requestBody/content/application~1json/schema"
        return self._errors(pointer, body, f"{method} {template} request", requests=True)

    def check_response(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """Return how a response body breaks the schema of its route and status."""
        template = self.route(method, path)
        if template is None or status >= SERVER_ERROR:
            return []  # reported with the request; the description has no server errors
        responses = self.spec["paths"][template][method.lower()]["responses"]
        key = next(
            (k for k in (str(status), f"{str(status)[0]}XX", "default") if k in responses), None
        )
        if key is None:
            return [f"{method} {template}: Discord never answers {status}"]
        pointer = f"/paths/{_escape(template)}/{method.lower()}/responses/{key}"
        response = self._resolve(responses[key])
        if "$ref" in responses[key]:
            pointer = responses[key]["$ref"].removeprefix("#")
        content = response.get("content") or {}
        if "application/json" not in content:
            if body is None:
                return []
            return [f"{method} {template} {status}: Discord sends no body, the emulator did"]
        if body is None:
            return [f"{method} {template} {status}: Discord sends a JSON body, the emulator none"]
        pointer += "/content/application~1json/schema"
        return self._errors(pointer, body, f"{method} {template} {status} response")

    def _resolve(self, node: Json) -> Json:
        """Follow a local `$ref` (one level, as responses use them)."""
        ref = node.get("$ref")
        if not ref:
            return node
        target: Any = self.spec
        for part in ref.removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return target
