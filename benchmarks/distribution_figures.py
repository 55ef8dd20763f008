"""Figures of the distribution: wheel size, install times (the mock alone, then [contract]), image size and
image start-up time. Prints a Markdown table for docs/performance.md.

    .venv/bin/python -m benchmarks.distribution_figures [--image allmine-viewers-mock] [--cold]

Installs go into fresh venvs in a temporary directory, pinned by requirements.lock; pip's cache is used
unless --cold. The image must have been built (docker build -t allmine-viewers-mock .).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
STREAM = "64d15f9e2e6c8f4d5a123456"


def timed(command: list[str]) -> float:
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True, timeout=1800)
    return time.monotonic() - started


def install_times(wheel: Path, folder: Path, cold: bool) -> tuple[float, float]:
    """Seconds to install the mock alone into a fresh venv, then to add the [contract] extra."""
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True, timeout=120)
    pip = [str(folder / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet",
           "-c", str(REPO / "requirements.lock"), *(["--no-cache-dir"] if cold else [])]
    return timed([*pip, str(wheel)]), timed([*pip, f"{wheel}[contract]"])


def image_figures(image: str) -> tuple[float, float]:
    """The image's size in MB and the seconds from `docker run` to the first answered request."""
    size = int(subprocess.run(["docker", "image", "inspect", "--format", "{{.Size}}", image], check=True,
                              capture_output=True, text=True).stdout)
    token = subprocess.run(["docker", "run", "--rm", image, "token"], check=True, capture_output=True,
                           text=True).stdout.strip()
    started = time.monotonic()
    container = subprocess.run(["docker", "run", "--detach", "--rm", "--publish", "127.0.0.1::8080", image],
                               check=True, capture_output=True, text=True).stdout.strip()
    try:
        address = subprocess.run(["docker", "port", container, "8080/tcp"], check=True, capture_output=True,
                                 text=True).stdout.split()[0]
        while time.monotonic() - started < 60:
            try:
                response = httpx.get(f"http://{address}/api/v1/live-stream/{STREAM}/viewers",
                                     headers={"Authorization": f"Bearer {token}"}, timeout=2)
                if response.status_code == 200:
                    return size / 1e6, time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise SystemExit("the container did not answer within 60 s")
    finally:
        subprocess.run(["docker", "stop", container], capture_output=True, timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default="allmine-viewers-mock")
    parser.add_argument("--cold", action="store_true", help="install without pip's cache")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(folder), str(REPO)], check=True,
                       capture_output=True, timeout=600)
        (wheel,) = folder.glob("*.whl")
        mock_alone, contract = install_times(wheel, folder, arguments.cold)
        size_mb, start_s = image_figures(arguments.image)
        print("| figure | value |\n| --- | --- |")
        print(f"| wheel | {wheel.stat().st_size / 1000:.0f} kB |")
        print(f"| install, the mock alone ({'cold' if arguments.cold else 'warm'} pip cache) | {mock_alone:.1f} s |")
        print(f"| install, adding [contract] | {contract:.1f} s |")
        print(f"| image size ({arguments.image}) | {size_mb:.0f} MB |")
        print(f"| image start-up, `docker run` to the first 200 | {start_s:.2f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
