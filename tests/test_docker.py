"""The Docker image frontend developers run: built from the Dockerfile, started, called through its published port.

Public base images may be out of reach (no registry access): then, where mmdebstrap is installed, the test builds
a stand-in for the base image (minimal Debian with python3, pip and a venv at /usr/local, the host's certificate
authorities) under the base image's own name, once; the Dockerfile itself stays written for the real one.
On a machine without Docker the test is skipped with a hint; in CI (CI=true, where .ci/run starts Docker) it runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from mockserver.settings import LatencyRange, load_settings
from tests.built_distribution import REPO

pytestmark = pytest.mark.slow  # builds and runs the Docker image

# One tag per checkout, so that two checkouts testing on one Docker daemon never build over each other's image.
IMAGE = f"allmine-viewers-mock:test-{hashlib.sha256(str(REPO).encode()).hexdigest()[:12]}"
STREAM = "64d15f9e2e6c8f4d5a123456"
IN_CI = os.environ.get("CI", "").lower() == "true"
HINT = ("Docker is not available: install it (Debian/Ubuntu: sudo apt-get install docker.io) and start the daemon; "
        "in CI, .ci/run does both")
STAND_IN_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"  # where Debian, and so the stand-in, keeps its CAs
BASE_IMAGE = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", (REPO / "Dockerfile").read_text(encoding="utf-8"), re.MULTILINE)


def docker(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, f"docker {' '.join(args)}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
    return result


def host_ca_bundle() -> Path | None:
    """The certificate authorities this machine's pip trusts (a file), if it can be found."""
    configured = os.environ.get("PIP_CERT") or subprocess.run(
        [sys.executable, "-m", "pip", "config", "get", "global.cert"], capture_output=True, text=True).stdout.strip()
    bundle = Path(configured or ssl.get_default_verify_paths().openssl_cafile).resolve()
    return bundle if bundle.is_file() else None


def build_stand_in_base(name: str, workdir: Path) -> None:
    """A minimal Debian with python3 like the official image (pip and python at /usr/local/bin), as `name`,
    trusting the host's certificate authorities (Debian's pip reads the system bundle)."""
    rootfs = workdir / "base.tar"
    bundle = host_ca_bundle()
    trust = [f"--customize-hook=upload {bundle} {STAND_IN_CA_BUNDLE}"] if bundle else []
    subprocess.run(
        ["mmdebstrap", "--quiet", "--variant=apt", "--include=python3-venv,passwd,ca-certificates",
         "--customize-hook=chroot \"$1\" python3 -m venv /usr/local", *trust,
         "bookworm", str(rootfs)], check=True, capture_output=True, timeout=1200)
    docker("import", "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "--change", 'CMD ["python3"]', "--change", "LABEL stand-in=true", str(rootfs), name, timeout=600)
    rootfs.unlink()


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The image, built from the repository as the frontend page (docs/frontend.md) says."""
    if shutil.which("docker") is None or docker("info", check=False, timeout=30).returncode != 0:
        if IN_CI:
            pytest.fail(HINT)
        pytest.skip(HINT)
    assert BASE_IMAGE, "the Dockerfile names no PYTHON_IMAGE"
    base = BASE_IMAGE.group(1)
    build_args: list[str] = []
    if docker("image", "inspect", base, check=False).returncode != 0 and shutil.which("mmdebstrap"):
        build_stand_in_base(base, tmp_path_factory.mktemp("stand-in"))
    if docker("image", "inspect", "--format", "{{index .Config.Labels \"stand-in\"}}", base).stdout.strip() == "true":
        build_args = ["--build-arg", f"PIP_CERT={STAND_IN_CA_BUNDLE}"]  # the host's CAs, inside the stand-in
    docker("build", "--quiet", "--tag", IMAGE, *build_args, str(REPO), timeout=1200)
    return IMAGE


class Container:
    """A detached container of the image, its port 8080 (or MOCK_PORT) published on a free loopback port."""

    def __init__(self, image: str, *args: str, port: int = 8080, options: tuple[str, ...] = ()) -> None:
        published = ("--publish", f"127.0.0.1::{port}")
        self.id = docker("run", "--detach", "--rm", *published, *options, image, *args).stdout.strip()
        self.base_url = "http://" + docker("port", self.id, f"{port}/tcp").stdout.split()[0]

    def log(self) -> str:
        result = docker("logs", self.id, check=False)
        return result.stdout + result.stderr

    def wait_until_healthy(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            state = json.loads(docker("inspect", "--format", "{{json .State}}", self.id).stdout)
            if state.get("Health", {}).get("Status") == "healthy":
                return
            assert state["Running"], self.log()
            time.sleep(0.5)
        raise AssertionError(f"not healthy within {timeout_s} s:\n{self.log()}")

    def stop(self) -> None:
        docker("stop", "--time", "10", self.id, check=False, timeout=60)


@pytest.fixture
def started(image: str) -> Iterator[Container]:
    container = Container(image)
    yield container
    container.stop()


def viewers(base_url: str, token: str) -> httpx.Response:
    return httpx.get(f"{base_url}/api/v1/live-stream/{STREAM}/viewers", params={"limit": 5},
                     headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_the_image_serves_the_mock_on_its_published_port_with_a_token_from_docker_run(image: str,
                                                                                       started: Container) -> None:
    started.wait_until_healthy()
    token = docker("run", "--rm", image, "token").stdout.strip()
    response = viewers(started.base_url, token)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["pagination"]["totalItems"] == 45
    assert viewers(started.base_url, "not-a-token").status_code == 401
    log = started.log()
    assert "listening on http://0.0.0.0:8080" in log
    assert re.search(r"Token \(24 h\): +[\w-]+\.[\w-]+\.[\w-]+", log), log


def test_the_image_runs_as_a_user_without_test_tools(image: str) -> None:
    assert docker("run", "--rm", "--entrypoint", "id", image, "-u").stdout.strip() != "0"
    probe = docker("run", "--rm", "--entrypoint", "python", image, "-c", "import pytest", check=False)
    assert probe.returncode != 0 and "No module named 'pytest'" in probe.stderr


def test_options_arguments_variables_and_fixtures_from_a_mounted_volume(image: str, tmp_path: Path) -> None:
    folder = tmp_path / "fixtures"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    exported = subprocess.run([sys.executable, "-m", "mockserver", "fixtures", "export", "--seed", "5", "--output",
                               str(folder / "viewers.json")], capture_output=True, text=True, timeout=120)
    assert exported.returncode == 0, exported.stderr
    (folder / "viewers.json").chmod(0o644)
    tmp_path.chmod(0o755)
    container = Container(image, "--fixtures", "/fixtures/viewers.json", "--latency", "50", port=9000,
                          options=("--env", "MOCK_PORT=9000", "--env", "MOCK_ACCESS_LOG=true",
                                   "--volume", f"{folder}:/fixtures:ro"))
    try:
        container.wait_until_healthy()
        token = docker("run", "--rm", image, "token").stdout.strip()
        started = time.monotonic()
        response = viewers(container.base_url, token)
        assert time.monotonic() - started >= 0.05  # --latency 50
        assert response.status_code == 200, response.text
        first = response.json()["data"]["list"][0]["_id"]
        assert first in (folder / "viewers.json").read_text(encoding="utf-8")
        assert "listening on http://0.0.0.0:9000" in container.log()  # MOCK_PORT
        assert f"/api/v1/live-stream/{STREAM}/viewers" in container.log()  # MOCK_ACCESS_LOG
    finally:
        container.stop()


def test_a_bad_option_is_one_clear_line(image: str) -> None:
    result = docker("run", "--rm", "--env", "MOCK_PORT=x", image, check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == "mockserver: MOCK_PORT has value 'x': not a whole number"


def test_the_compose_example_runs_this_image_with_settings_the_mock_accepts() -> None:
    compose = yaml.safe_load((REPO / "docs" / "docker-compose.yml").read_text(encoding="utf-8"))
    mock = compose["services"]["viewers-mock"]
    assert mock["image"] == "allmine-viewers-mock" and mock["ports"] == ["127.0.0.1:8080:8080"]
    assert load_settings({}, mock["environment"]).latency == LatencyRange(100, 400)
    assert compose["services"]["web"]["depends_on"]["viewers-mock"]["condition"] == "service_healthy"


def test_the_replicas_compose_example_balances_two_mocks_that_agree() -> None:
    compose = yaml.safe_load((REPO / "docs" / "docker-compose.replicas.yml").read_text(encoding="utf-8"))
    replicas = {name: service for name, service in compose["services"].items() if name.startswith("viewers-mock")}
    assert len(replicas) == 2 and all(s["image"] == "allmine-viewers-mock" for s in replicas.values())
    environments = [service["environment"] for service in replicas.values()]
    assert environments[0] == environments[1] and "MOCK_CLOCK" not in environments[0]  # one anchored clock
    settings = load_settings({}, environments[0])
    assert settings.clock is None and settings.seed == 0
    balancer = compose["services"]["load-balancer"]
    assert balancer["ports"] == ["127.0.0.1:8080:8080"]
    assert {name: dependency["condition"] for name, dependency in balancer["depends_on"].items()} == dict.fromkeys(
        replicas, "service_healthy")
    config = (REPO / "docs" / "nginx-replicas.conf").read_text(encoding="utf-8")
    assert re.findall(r"^\s*server (\S+);", config, re.MULTILINE) == [f"{name}:8080" for name in replicas]
    assert re.search(r"^\s*listen 8080;", config, re.MULTILINE) and "proxy_pass http://viewers_mock;" in config


def test_two_containers_started_apart_serve_one_audience(image: str) -> None:
    from tests.test_live_server import partitions_across

    token = docker("run", "--rm", image, "token").stdout.strip()
    first = Container(image, "--churn", "600/600")
    try:
        first.wait_until_healthy()
        time.sleep(2.5)  # a replica scaled out, or restarted, a little later
        second = Container(image, "--churn", "600/600")
        try:
            second.wait_until_healthy()
            assert partitions_across([first.base_url, second.base_url], token)
        finally:
            second.stop()
    finally:
        first.stop()


def documented_image_sizes() -> tuple[float, float]:
    """The performance page's image size and the part of it that is this image's own layers, in MB."""
    page = (REPO / "docs" / "performance.md").read_text(encoding="utf-8")
    row = re.search(r"^\| image size \| (\d+) MB, of which (\d+) MB are this image's layers", page, re.MULTILINE)
    assert row, "docs/performance.md's distribution table has no image size row"
    return float(row[1]), float(row[2])


def test_the_documented_image_size_is_the_built_images(image: str) -> None:
    total, own = documented_image_sizes()
    base = BASE_IMAGE.group(1) if BASE_IMAGE else ""
    size_mb = int(docker("image", "inspect", "--format", "{{.Size}}", image).stdout) / 1e6
    base_mb = int(docker("image", "inspect", "--format", "{{.Size}}", base).stdout) / 1e6
    assert abs(own - (size_mb - base_mb)) <= 0.15 * (size_mb - base_mb), (own, size_mb - base_mb)
    stand_in = docker("image", "inspect", "--format", "{{index .Config.Labels \"stand-in\"}}", base).stdout.strip()
    if stand_in == "true":  # the page measured on the stand-in base; another base has another total
        assert abs(total - size_mb) <= 0.15 * size_mb, (total, size_mb)
