"""Many ``mlsd add`` processes at the same moment: no lost update, no duplicate, a valid file.

Each process imports mlsd first and then waits at a gate (a file appearing), so the writes
really do start together rather than being spread out by interpreter start-up.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlsd_cli.catalogue import store

GATED = """\
import os, sys, time
from mlsd_cli.cli import main
gate = sys.argv[1]
while not os.path.exists(gate):
    time.sleep(0.002)
sys.argv = ["mlsd", *sys.argv[2:]]
main()
"""

TITLES = [
    "Scaling Kafka at LinkedIn",
    "Real-time Ranking for Instagram Explore",
    "Spotify Home Recommendations with Bandits",
    "Dropbox OCR Pipeline for Document Scanning",
    "Amazon SageMaker Model Monitor",
    "Twitter Timeline Ranking with Deep Learning",
    "Netflix Artwork Personalization",
    "Google Smart Compose",
    "Airbnb Search Ranking Embeddings",
    "DoorDash Delivery Time Prediction",
]


def run_together(
    tmp_path: Path, arg_lists: list[list[str]], *, timeout: float = 90
) -> list[subprocess.CompletedProcess[str]]:
    script = tmp_path / "gated.py"
    script.write_text(GATED, encoding="utf-8")
    gate = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(gate), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in arg_lists
    ]
    time.sleep(0.5)  # let them import; not a timing assertion, only a head start
    gate.touch()
    done = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=timeout)
            done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
    return done


@pytest.mark.slow
def test_ten_adds_at_once_keep_every_resource(sample_catalogue: Path, tmp_path: Path) -> None:
    before = store.load(sample_catalogue).resource_ids()
    results = run_together(
        tmp_path,
        [
            [
                "add", f"https://example.org/posts/{n}", "--title", title, "--kind", "blog",
                "--section", "platforms", "--tag", f"batch-{n}",
                "--yes", "--no-fetch", "-c", str(sample_catalogue),
            ]
            for n, title in enumerate(TITLES)
        ],
    )  # fmt: skip
    for result in results:
        assert result.returncode == 0, result.stderr
    catalogue = store.load(sample_catalogue)  # a valid file
    new = [r for r in catalogue.resources if r.id not in before]
    assert sorted(r.title for r in new) == sorted(TITLES)
    assert sorted(r.url or "" for r in new) == sorted(
        f"https://example.org/posts/{n}" for n in range(len(TITLES))
    )
    assert len(catalogue.resources) == len(before) + len(TITLES)
    assert store.dumps(catalogue) == sample_catalogue.read_text(encoding="utf-8")
    assert not list(sample_catalogue.parent.glob(".resources.toml.*.mlsd-tmp"))


@pytest.mark.slow
def test_the_same_url_at_once_is_added_only_once(sample_catalogue: Path, tmp_path: Path) -> None:
    """The duplicate check is repeated under the lock, against the file as it is then."""
    before = store.load(sample_catalogue).resource_ids()
    results = run_together(
        tmp_path,
        [
            [
                "add", "https://example.org/one-post", "--title", f"One post, take {n}",
                "--kind", "blog", "--section", "platforms", "--force",
                "--yes", "--no-fetch", "-c", str(sample_catalogue),
            ]
            for n in range(5)
        ],
    )  # fmt: skip
    codes = sorted(r.returncode for r in results)
    assert codes == [0, 1, 1, 1, 1], [r.stderr for r in results]
    for result in results:
        if result.returncode == 1:
            assert "same URL" in result.stderr
    new = [r for r in store.load(sample_catalogue).resources if r.id not in before]
    assert len(new) == 1 and new[0].url == "https://example.org/one-post"
