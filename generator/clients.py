"""`scaffold add client`: an upstream service's client, its setting and its dependency.

The client module goes beside the template's `services/http/upstreams.py`; the project learns
about it by its setting (`<NAME>_URL` in `core/config.py` and `.env.example`) and by a getter
and an `Annotated` alias at the end of `api/deps.py`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from generator import parts
from generator.errors import ScaffoldError, UsageError
from generator.resources import check_name, within

CLIENT_MAX: Final = 16  # the longest generated line stays under 100 columns
# The modules of services/http, and the template's own upstream settings.
_TAKEN: Final = frozenset({"client", "problems", "transport", "upstreams", "http"})


def check(project: Path, package: str, name: str, base_url: str) -> str:
    """Refuse a bad name or URL; the URL as the client joins paths to it (ending in a slash)."""
    limit = within(CLIENT_MAX, f"from {package}.services.http. import (")
    check_name(name, "client", limit=limit, reserved=_TAKEN)
    module = Path("src", package, "services", "http", f"{name}.py")
    if (project / module).exists() or (project / parts.answers_file("client", name)).exists():
        raise ScaffoldError(f"{module} already exists: the project has a client {name!r}")
    config = project / "src" / package / "core" / "config.py"
    if re.search(rf"^    {name}_url:", config.read_text(encoding="utf-8"), re.MULTILINE):
        raise UsageError(f"core/config.py already has a setting {name}_url")
    split = urlsplit(base_url)
    if split.scheme not in {"http", "https"} or not split.hostname:
        raise UsageError(f"--base-url {base_url!r} must be an http:// or https:// URL with a host")
    if re.search(r"[\s\"'\\]", base_url) or split.fragment:
        raise UsageError(f"--base-url {base_url!r} must not hold spaces, quotes or a #fragment")
    # httpx joins a relative path onto the last "directory" of the base URL.
    return base_url if split.path.endswith("/") else split._replace(path=split.path + "/").geturl()


def answers(package: str, name: str, base_url: str) -> dict[str, object]:
    return {"package_name": package, "client": name, "base_url": base_url}


def edits(package: str, name: str, base_url: str) -> list[parts.Edit]:
    """Its setting, in config.py and .env.example, and its dependency in api/deps.py."""
    class_name = "".join(word.capitalize() for word in name.split("_"))
    setting = f'    {name}_url: HttpUrl = HttpUrl("{base_url}")'
    example = f"{name.upper()}_URL={base_url}"
    imported = (
        f"from ..services.http.{name} import (\n    {class_name}Client,\n    {name}_client,\n)"
    )
    dependency = (
        f"async def get_{name}_client(\n"
        "    settings: SettingsDep,\n"
        "    http: HttpClientDep,\n"
        f") -> {class_name}Client:\n"
        f'    """The {name.replace("_", " ")} upstream, on the process\'s shared client."""\n'
        f"    return {name}_client(settings, http)\n"
        "\n\n"
        f"{class_name}ClientDep = Annotated[{class_name}Client, Depends(get_{name}_client)]"
    )
    deps = f"src/{package}/api/deps.py"
    return [
        parts.Edit(
            f"src/{package}/core/config.py",
            setting,
            parts.after_matching(r"^    \w+_url: HttpUrl = HttpUrl\(", setting),
        ),
        parts.Edit(
            ".env.example", example, parts.after_matching(r"^[A-Z0-9_]+_URL=https?://", example)
        ),
        parts.Edit(deps, imported, parts.sorted_relative_import(imported)),
        parts.Edit(deps, dependency, parts.at_the_end(dependency)),
    ]
