"""Shared fixtures. Output is made deterministic before the app is imported."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

# Before anything imports rich or the app: no colour, no styles, fixed width.
for _var in (
    "FORCE_COLOR",
    "CLICOLOR_FORCE",
    "PY_COLORS",
    "MLSD_CATALOGUE",
    "MLSD_DEBUG",
    "MLSD_INTERACTIVE",
    "TYPER_FORCE_DISABLE_TERMINAL",
):
    os.environ.pop(_var, None)
os.environ["NO_COLOR"] = "1"
os.environ["TERM"] = "dumb"
os.environ["COLUMNS"] = "100"
os.environ["LINES"] = "50"

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from typer.testing import CliRunner  # noqa: E402
from typer.testing import Result  # noqa: E402

# Property tests explore new random examples on every developer run; under CI they run the
# same derandomized examples each time, so a CI run is reproducible and never fails by luck
# of the draw (what a developer run finds is pinned with @example).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
LOCAL_SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
#: The book's resources list, and the company case-study list.
BOOK_SEED = "002_1bdbb483829957a0.txt"
SCALE_SEED = "000_419a78b3be976295.txt"


def seed_path(name: str) -> Path:
    """A source list: ../shared/seeds when present, else the copy kept in tests/data/seeds."""
    shared = SEEDS_DIR / name
    return shared if shared.is_file() else LOCAL_SEEDS / name


@pytest.fixture(autouse=True)
def _unfreeze_gc() -> Iterator[None]:
    """Commands gc.freeze() the loaded catalogue (it lives as long as the process); in one
    long test process, hand everything back to the collector after each test."""
    yield
    import gc

    gc.unfreeze()


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test gets its own load cache and no inherited catalogue."""
    monkeypatch.setenv("MLSD_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("MLSD_CATALOGUE", raising=False)


SAMPLE_TOML = """\
# mlsd catalogue: edit with `mlsd` or by hand; see docs/catalogue.md
[catalogue]
format = 1
title = "Sample"

[[sections]]
id = "platforms"
title = "ML platforms"

[[sections]]
id = "streaming"
title = "Streaming systems"
parent = "platforms"
intro = "Streams, logs and events."

[[resources]]
id = "ubers-michelangelo"
title = "Uber's Michelangelo"
url = "https://eng.uber.com/michelangelo-machine-learning-platform/"
kind = "blog"
sections = [
    "platforms",
]
org = "Uber"
year = 2017
tags = [
    "ml-platform",
]

[[resources]]
id = "the-log"
title = "The Log: What every software engineer should know about real-time data's unifying abstraction"
url = "https://engineering.linkedin.com/distributed-systems/log-what-every-software-engineer-should-know-about-real-time-datas-unifying"
kind = "blog"
sections = [
    "streaming",
]
org = "LinkedIn"
authors = [
    "Jay Kreps",
]
venue = "LinkedIn / Confluent"
year = 2013
tags = [
    "streaming",
]

[[resources]]
id = "facebook-ads-clicks"
title = "Practical Lessons from Predicting Clicks on Ads at Facebook"
kind = "paper"
sections = [
    "platforms",
]
"""


@pytest.fixture
def sample_catalogue(tmp_path: Path) -> Path:
    """A small valid catalogue in a temp directory, in canonical form."""
    path = tmp_path / "resources.toml"
    path.write_text(SAMPLE_TOML, encoding="utf-8")
    return path


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A writable copy of the project's own resources.toml."""
    target = tmp_path / "resources.toml"
    shutil.copyfile(ROOT / "resources.toml", target)
    return target


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run ``mlsd ARGS`` in-process; stdout and stderr are kept apart."""
    from mlsd_cli.cli import app

    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return run


@pytest.fixture
def mlsd_exe() -> Iterator[list[str]]:
    """The command line that starts mlsd as a real process."""
    yield [sys.executable, "-m", "mlsd_cli"]
