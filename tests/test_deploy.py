"""deploy/: the Dockerfile, compose.yaml, the systemd unit, their example configs, and LICENSE (issue 11).

The static checks always run. The image is built only where `docker info` answers, and the unit goes through
`systemd-analyze verify` only where that command is installed; elsewhere those tests skip and say why.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.config import load_settings
from bot.platforms import secret_variables

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"
COMPOSE = DEPLOY / "compose.yaml"
UNIT = DEPLOY / "wirewatch.service"
ENV_EXAMPLE = DEPLOY / "wirewatch.env.example"
CONTAINER_CONFIG = DEPLOY / "config.toml"
SYSTEMD_CONFIG = DEPLOY / "config.systemd.toml"

HEALTH_PORT = 9120
CONTAINER_CONFIG_PATH = "/config/config.toml"
CONTAINER_VOLUME = "/data"
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]

# Shapes of real secrets: a Telegram bot token, a Discord bot token, a Discord webhook URL with its token.
SECRET_SHAPES = {
    "Telegram bot token": re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}"),
    "Discord bot token": re.compile(r"\b[A-Za-z0-9_-]{23,30}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"),
    "Discord webhook URL": re.compile(r"discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{20,}"),
}


# --- the Dockerfile ----------------------------------------------------------------------------------------


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order: comments dropped, continuation lines joined."""
    result: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1].strip() + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        pending = ""
        result.append((keyword.upper(), arguments.strip()))
    assert not pending, "the Dockerfile ends inside a continuation line"
    return result


def dockerfile_stages(text: str) -> list[list[tuple[str, str]]]:
    """The build stages, each starting with its FROM (with global ARG defaults substituted)."""
    defaults: dict[str, str] = {}
    stages: list[list[tuple[str, str]]] = []
    for keyword, arguments in dockerfile_instructions(text):
        if keyword == "ARG" and not stages:
            name, _, default = arguments.partition("=")
            defaults[name] = default
        elif keyword == "FROM":
            resolved = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: defaults[m[1] or m[2]], arguments)
            stages.append([(keyword, resolved)])
        else:
            assert stages, f"{keyword} before the first FROM"
            stages[-1].append((keyword, arguments))
    return stages


def exec_form(arguments: str) -> list[str]:
    """The JSON array of an exec-form CMD, ENTRYPOINT or HEALTHCHECK CMD; fails on the shell form."""
    try:
        argv = json.loads(arguments)
    except json.JSONDecodeError:
        pytest.fail(f"not in exec form (a JSON array): {arguments}")
    assert isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv), arguments
    return argv


def last(stage: list[tuple[str, str]], keyword: str) -> str | None:
    values = [arguments for kw, arguments in stage if kw == keyword]
    return values[-1] if values else None


@pytest.fixture(scope="module")
def stages() -> list[list[tuple[str, str]]]:
    return dockerfile_stages(DOCKERFILE.read_text(encoding="utf-8"))


def test_dockerfile_is_multi_stage_with_uv_in_the_builder_only(stages: list[list[tuple[str, str]]]) -> None:
    assert len(stages) >= 2
    builder, runtime = stages[0], stages[-1]
    runs = " ".join(arguments for keyword, arguments in builder if keyword == "RUN")
    assert "uv sync --locked --no-dev" in runs, "the builder must install exactly what uv.lock says"
    assert any(keyword == "COPY" and "uv.lock" in arguments for keyword, arguments in builder)
    assert runtime[0][1].split(" AS ")[0].strip() == "python:3.11-slim"
    runtime_text = " ".join(arguments for _, arguments in runtime)
    assert "/bin/uv" not in runtime_text and "astral-sh/uv" not in runtime_text, "uv must stay in the builder"
    venv_copies = [a for k, a in runtime if k == "COPY" and a.startswith("--from=") and "/app/.venv" in a]
    assert venv_copies, "the runtime stage takes the venv from the builder"
    assert "/app/.venv/bin" in " ".join(a for k, a in runtime if k == "ENV"), "the venv's scripts are on PATH"


def test_dockerfile_runs_the_wirewatch_executable_itself(stages: list[list[tuple[str, str]]]) -> None:
    runtime = stages[-1]
    entrypoint = last(runtime, "ENTRYPOINT")
    cmd = last(runtime, "CMD")
    assert cmd is not None or entrypoint is not None
    argv = (exec_form(entrypoint) if entrypoint else []) + (exec_form(cmd) if cmd else [])
    # Exec form and the console script first: no shell, no `uv run` in between to swallow SIGTERM.
    assert PurePosixPath(argv[0]).name == "wirewatch", argv
    assert not {"uv", "sh", "bash", "/bin/sh"} & set(argv), argv
    assert argv[1:] == ["run", "--config", CONTAINER_CONFIG_PATH], argv
    # `docker exec CONTAINER wirewatch sources` finds ./config.toml without --config.
    assert last(runtime, "WORKDIR") == str(PurePosixPath(CONTAINER_CONFIG_PATH).parent)
    assert last(runtime, "STOPSIGNAL") in (None, "SIGTERM")


def test_dockerfile_healthcheck_asks_healthz_with_urllib(stages: list[list[tuple[str, str]]]) -> None:
    healthcheck = last(stages[-1], "HEALTHCHECK")
    assert healthcheck is not None, "the runtime stage has no HEALTHCHECK"
    options, _, command = healthcheck.partition("CMD ")
    assert command, f"HEALTHCHECK without CMD: {healthcheck}"
    argv = exec_form(command)
    script = " ".join(argv)
    assert f"http://127.0.0.1:{HEALTH_PORT}/healthz" in script
    assert "urllib" in script, "python:3.11-slim has no curl or wget: use urllib"
    assert "--timeout=" in options and "--interval=" in options


def test_dockerfile_runs_as_a_user_that_is_not_root(stages: list[list[tuple[str, str]]]) -> None:
    runtime = stages[-1]
    user = last(runtime, "USER")
    assert user is not None, "the runtime stage has no USER: it would run as root"
    name = user.split(":")[0]
    assert name not in ("root", "0")
    creates = " ".join(arguments for keyword, arguments in runtime if keyword == "RUN")
    assert "useradd" in creates and name in creates, f"the user {name} is not created in the image"


def test_dockerfile_keeps_the_database_on_a_volume(stages: list[list[tuple[str, str]]]) -> None:
    runtime = stages[-1]
    volume = last(runtime, "VOLUME")
    assert volume is not None
    volumes = json.loads(volume) if volume.startswith("[") else volume.split()
    assert CONTAINER_VOLUME in volumes
    data = tomllib.loads(CONTAINER_CONFIG.read_text(encoding="utf-8"))
    assert PurePosixPath(data["storage"]["path"]).parent == PurePosixPath(CONTAINER_VOLUME)
    copies = [a.split() for k, a in runtime if k == "COPY" and not a.startswith("--from=")]
    assert ["deploy/config.toml", CONTAINER_CONFIG_PATH] in copies, "the image carries the example config"
    assert f"EXPOSE {HEALTH_PORT}" in DOCKERFILE.read_text(encoding="utf-8")


def test_dockerignore_lets_in_everything_the_dockerfile_copies(stages: list[list[tuple[str, str]]]) -> None:
    allowed = {
        line[1:].strip().rstrip("/")
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    }
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    assert "*" in lines, "Dockerfile.dockerignore is an allow-list: it starts by excluding everything"
    for stage in stages:
        for keyword, arguments in stage:
            if keyword != "COPY" or arguments.startswith("--from="):
                continue
            *sources, _destination = arguments.split()
            for source in sources:
                assert source in allowed, f"COPY {source} is excluded by {DOCKERIGNORE.name}"
                assert (REPO / source).exists(), f"COPY {source}: no such file in the repository"


# --- compose.yaml ------------------------------------------------------------------------------------------


def _scalar(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def parse_simple_yaml(text: str) -> Any:
    """The block-style subset of YAML compose.yaml uses (maps, lists of scalars, comments), without PyYAML."""
    rows: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        assert "\t" not in line, f"line {number}: a tab (YAML indents with spaces)"
        content = re.sub(r"(^|\s)#.*$", "", line).rstrip()
        if content.strip():
            rows.append((len(content) - len(content.lstrip(" ")), content.strip()))

    def block(start: int, indent: int) -> tuple[Any, int]:
        if rows[start][1].startswith("- "):
            items: list[Any] = []
            while start < len(rows) and rows[start][0] == indent and rows[start][1].startswith("- "):
                items.append(_scalar(rows[start][1][2:]))
                start += 1
            return items, start
        mapping: dict[str, Any] = {}
        while start < len(rows) and rows[start][0] == indent:
            key, colon, value = rows[start][1].partition(":")
            assert colon and not key.startswith("- "), f"not a mapping entry: {rows[start][1]!r}"
            assert key not in mapping, f"duplicate key {key!r}"
            start += 1
            if value.strip():
                mapping[key] = _scalar(value)
            elif start < len(rows) and rows[start][0] > indent:
                mapping[key], start = block(start, rows[start][0])
            else:
                mapping[key] = None
        return mapping, start

    data, end = block(0, rows[0][0])
    assert end == len(rows), f"cannot read compose.yaml from {rows[end][1]!r}"
    return data


def compose_data() -> Any:
    text = COMPOSE.read_text(encoding="utf-8")
    try:
        import yaml  # not a dependency; used when present
    except ImportError:
        return parse_simple_yaml(text)
    return yaml.safe_load(text)


def test_compose_example_runs_the_image_with_volume_env_file_port_and_restart() -> None:
    data = compose_data()
    service = data["services"]["wirewatch"]
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (
        COMPOSE.parent / service["build"]["context"] / service["build"]["dockerfile"]
    ).resolve() == DOCKERFILE
    assert service["image"]
    assert service["restart"] in ("unless-stopped", "always", "on-failure")
    env_file = service["env_file"]
    assert env_file == ".env" or env_file == [".env"], "tokens come from deploy/.env"
    volumes = service["volumes"]
    assert f"wirewatch-data:{CONTAINER_VOLUME}" in volumes
    assert "wirewatch-data" in data["volumes"]
    assert f"./config.toml:{CONTAINER_CONFIG_PATH}:ro" in volumes
    assert (COMPOSE.parent / "config.toml").is_file()
    assert f"127.0.0.1:{HEALTH_PORT}:{HEALTH_PORT}" in [str(port) for port in service["ports"]]
    assert "environment" not in service or not any(
        name in str(service["environment"]) for name in secret_variables()
    ), "tokens belong in .env, not in compose.yaml"


def test_the_simple_yaml_reader_agrees_with_pyyaml_when_installed() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed; compose.yaml was read without it")
    text = COMPOSE.read_text(encoding="utf-8")
    assert parse_simple_yaml(text) == yaml.safe_load(text)


# --- the systemd unit --------------------------------------------------------------------------------------


def unit_sections(text: str) -> dict[str, list[tuple[str, str]]]:
    """[Section] -> (key, value) pairs in order; keys may repeat, as systemd allows."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = sections.setdefault(stripped[1:-1], [])
            continue
        key, equals, value = stripped.partition("=")
        assert equals and current is not None, f"line {number}: not a key=value in a section: {line!r}"
        current.append((key.strip(), value.strip()))
    return sections


def unit_value(section: list[tuple[str, str]], key: str) -> str | None:
    values = [value for k, value in section if k == key]
    return values[-1] if values else None


@pytest.fixture(scope="module")
def unit() -> dict[str, list[tuple[str, str]]]:
    return unit_sections(UNIT.read_text(encoding="utf-8"))


def test_unit_restarts_on_failure_and_stops_with_sigterm(unit: dict[str, list[tuple[str, str]]]) -> None:
    service = unit["Service"]
    assert unit_value(service, "Restart") == "on-failure"
    assert unit_value(service, "KillMode") == "mixed"
    assert unit_value(service, "KillSignal") in (None, "SIGTERM")
    assert unit_value(service, "Type") in ("exec", "simple")
    assert "network-online.target" in (unit_value(unit["Unit"], "After") or "")
    assert unit_value(unit["Install"], "WantedBy") == "multi-user.target"


def test_unit_execs_the_installed_wirewatch_with_the_config(unit: dict[str, list[tuple[str, str]]]) -> None:
    exec_start = unit_value(unit["Service"], "ExecStart")
    assert exec_start is not None
    argv = shlex.split(exec_start)
    assert PurePosixPath(argv[0]).is_absolute() and PurePosixPath(argv[0]).name == "wirewatch", argv
    assert argv[1:] == ["run", "--config", "/etc/wirewatch/config.toml"], argv


def test_unit_keeps_the_database_in_its_state_directory(unit: dict[str, list[tuple[str, str]]]) -> None:
    service = unit["Service"]
    state = unit_value(service, "StateDirectory")
    assert state == "wirewatch"
    database = PurePosixPath(tomllib.loads(SYSTEMD_CONFIG.read_text(encoding="utf-8"))["storage"]["path"])
    assert database.parent == PurePosixPath("/var/lib") / state, "storage.path must be in StateDirectory="


def test_unit_reads_tokens_from_an_environment_file(unit: dict[str, list[tuple[str, str]]]) -> None:
    environment_file = unit_value(unit["Service"], "EnvironmentFile")
    assert environment_file is not None
    assert PurePosixPath(environment_file.lstrip("-")).is_absolute()
    assert environment_file.lstrip("-") in ENV_EXAMPLE.read_text(encoding="utf-8"), (
        "the example env file says where it is installed"
    )
    inline = [value for key, value in unit["Service"] if key == "Environment"]
    assert not [value for value in inline if re.search(r"TOKEN|SECRET|WEBHOOK", value)], (
        "no secret in the unit"
    )


def test_unit_runs_as_a_dedicated_user_with_hardening(unit: dict[str, list[tuple[str, str]]]) -> None:
    service = unit["Service"]
    user = unit_value(service, "User")
    assert unit_value(service, "DynamicUser") == "yes" or user not in (None, "root", "0")
    expected = {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "ProtectKernelTunables": "yes",
        "ProtectKernelModules": "yes",
        "ProtectControlGroups": "yes",
        "RestrictNamespaces": "yes",
        "RestrictSUIDSGID": "yes",
        "LockPersonality": "yes",
        "CapabilityBoundingSet": "",
        "SystemCallArchitectures": "native",
    }
    for key, value in expected.items():
        assert unit_value(service, key) == value, f"{key}={value} expected"
    families = (unit_value(service, "RestrictAddressFamilies") or "").split()
    assert {"AF_INET", "AF_INET6", "AF_UNIX"} <= set(families), "a network daemon needs these"


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed (Debian/Ubuntu: apt-get install systemd)",
)
def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify insists that ExecStart's program exists: point it at this environment's wirewatch.
    installed = Path(sys.executable).with_name("wirewatch")
    program = installed if installed.exists() else Path(sys.executable)
    text = UNIT.read_text(encoding="utf-8")
    executable = shlex.split(unit_value(unit_sections(text)["Service"], "ExecStart") or "")[0]
    copy = tmp_path / UNIT.name
    copy.write_text(text.replace(f"ExecStart={executable} ", f"ExecStart={program} "), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=120, check=False
    )
    output = result.stdout + result.stderr
    # verify exits 0 even for an unknown key or a bad value; it only prints them, naming the file.
    about_unit = [line for line in output.splitlines() if UNIT.name in line or str(tmp_path) in line]
    assert result.returncode == 0, output
    assert not about_unit, "\n".join(about_unit)


# --- the example configs and the env file -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "listen", "database_dir"),
    [(CONTAINER_CONFIG, "0.0.0.0", CONTAINER_VOLUME), (SYSTEMD_CONFIG, "127.0.0.1", "/var/lib/wirewatch")],
    ids=["container", "systemd"],
)
def test_example_config_loads_without_any_token(path: Path, listen: str, database_dir: str) -> None:
    settings = load_settings(path, {})  # no environment at all: no token or webhook variable is required
    assert PurePosixPath(settings.storage.path).is_absolute()
    assert PurePosixPath(settings.storage.path).parent == PurePosixPath(database_dir)
    assert settings.http.enabled is True
    assert settings.http.listen == listen
    assert settings.http.port == HEALTH_PORT
    assert not settings.tokens


def _keys(data: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield f"{prefix}{key}"
            yield from _keys(value, f"{prefix}{key}.")
    elif isinstance(data, list):
        for item in data:
            yield from _keys(item, prefix)


@pytest.mark.parametrize("path", [CONTAINER_CONFIG, SYSTEMD_CONFIG], ids=["container", "systemd"])
def test_example_config_has_no_secret_keys(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    secretish = [key for key in _keys(data) if re.search(r"token|secret|password", key, re.I)]
    assert not secretish


def test_env_example_has_only_commented_placeholders() -> None:
    known = set(secret_variables())
    assignments = 0
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"(#\s*)?([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if not match:
            assert not line.strip() or line.lstrip().startswith("#"), f"not NAME=value: {line!r}"
            continue
        assignments += 1
        commented, name, value = match.groups()
        assert commented, f"{name} is set in the example: every platform would start with a placeholder"
        assert name in known or name.startswith("DISCORD_WEBHOOK_"), f"unknown variable {name}"
        assert re.search(r"<[^>]+>", value), f"{name}: the value must be an obvious <placeholder>"
    assert assignments >= len(known)


# Filled-in env files (deploy/.env, *.env) are git-ignored on purpose and hold real tokens: not scanned.
SHIPPED = sorted(p for p in DEPLOY.iterdir() if p.is_file() and p.name != ".env" and p.suffix != ".env")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_no_deploy_file_holds_a_secret(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for what, shape in SECRET_SHAPES.items():
        assert not shape.search(text), f"{path.name} holds what looks like a {what}"


def test_deploy_gitignore_keeps_filled_in_env_files_out_of_git() -> None:
    patterns = (DEPLOY / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in patterns


def test_license_is_mit_as_pyproject_says() -> None:
    license_text = (REPO / "LICENSE").read_text(encoding="utf-8")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert license_text.startswith("MIT License\n")
    assert "Copyright (c) 2026 wirewatch contributors" in license_text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in license_text


# --- README ------------------------------------------------------------------------------------------------


def readme_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "\n## Running it as a service\n" in readme
    assert readme.index("\n## Running it as a service\n") < readme.index("\n## Development\n")
    return readme.split("\n## Running it as a service\n", 1)[1].split("\n## ", 1)[0]


def test_readme_explains_every_deploy_file() -> None:
    section = readme_section()
    for path in (DOCKERFILE, COMPOSE, UNIT, ENV_EXAMPLE, CONTAINER_CONFIG, SYSTEMD_CONFIG):
        assert str(path.relative_to(REPO)) in section, f"the README does not mention {path.name}"
    assert re.search(rf"curl [^\n]*http://127\.0\.0\.1:{HEALTH_PORT}/healthz", section)
    assert "journalctl -u wirewatch" in section


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _wirewatch_completion wirewatch"),
        ("zsh", "#compdef wirewatch"),
        ("fish", "complete --no-files --command wirewatch"),
    ],
)
def test_readme_shell_completion_commands_print_a_script(shell: str, marker: str) -> None:
    assert f"_WIREWATCH_COMPLETE={shell}_source wirewatch" in readme_section()
    result = CliRunner().invoke(
        cli, [], prog_name="wirewatch", env={"_WIREWATCH_COMPLETE": f"{shell}_source"}
    )
    assert result.exit_code == 0, result.output
    assert marker in result.output


# --- the image, where a Docker daemon answers ---------------------------------------------------------------


def _docker(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)


def _why_no_docker() -> str | None:
    if shutil.which("docker") is None:
        return "docker is not on PATH"
    try:
        info = _docker("info", timeout=60)
    except subprocess.TimeoutExpired:
        return "`docker info` did not answer within 60 s"
    if info.returncode != 0:
        reason = (info.stderr.strip().splitlines() or ["no output"])[-1]
        return f"`docker info` failed, no Docker daemon answers: {reason}"
    return None


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    """deploy/Dockerfile built from the repository root, removed afterwards."""
    reason = _why_no_docker()
    if reason:
        pytest.skip(reason)
    tag = f"wirewatch-test:{uuid.uuid4().hex[:12]}"
    build = _docker("build", "--file", str(DOCKERFILE), "--tag", tag, str(REPO), timeout=1800)
    assert build.returncode == 0, (build.stdout + build.stderr)[-4000:]
    try:
        yield tag
    finally:
        _docker("image", "rm", "--force", tag)


def test_image_runs_wirewatch_version(image: str) -> None:
    result = _docker("run", "--rm", image, "wirewatch", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wirewatch, version {VERSION}"


def test_image_runs_as_non_root_and_its_config_is_valid(image: str) -> None:
    uid = _docker("run", "--rm", image, "id", "-u")
    assert uid.returncode == 0, uid.stderr
    assert uid.stdout.strip() not in ("", "0")
    check = _docker("run", "--rm", image, "wirewatch", "check-config", "--config", CONTAINER_CONFIG_PATH)
    assert check.returncode == 0, check.stdout + check.stderr


HEALTH_PROBE = f"""
import json, urllib.error, urllib.request
try:
    response = urllib.request.urlopen("http://127.0.0.1:{HEALTH_PORT}/healthz", timeout=4)
except urllib.error.HTTPError as error:
    response = error
print(response.status, json.loads(response.read())["status"])
"""


def test_container_serves_healthz_and_stops_on_sigterm(image: str) -> None:
    # No network: the source fails (the container keeps running and may report "degraded"), nothing leaves.
    started = _docker("run", "--detach", "--network", "none", image)
    assert started.returncode == 0, started.stderr
    container = started.stdout.strip()
    try:
        answer = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            probe = _docker("exec", container, "python", "-c", HEALTH_PROBE)
            if probe.returncode == 0:
                answer = probe.stdout.split()
                break
            time.sleep(1)
        assert answer in (["200", "ok"], ["503", "degraded"]), _docker("logs", container).stderr
        began = time.monotonic()
        stop = _docker("stop", "--time", "30", container)
        assert stop.returncode == 0, stop.stderr
        assert time.monotonic() - began < 20, "SIGTERM did not stop wirewatch: docker had to kill it"
        exit_code = _docker("inspect", "--format", "{{.State.ExitCode}}", container)
        assert exit_code.stdout.strip() == "0", _docker("logs", container).stderr
    finally:
        _docker("rm", "--force", "--volumes", container)
