"""Ctrl-C ends any command with exit status 130, quietly: at most one short line, never a
traceback, from the command or from its worker processes (issue #15, item 7)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from generator.cli import cli

from .conftest import FIXTURES, child_environment, run_segboard


def leaf_commands(
    group: click.Command = cli, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    if isinstance(group, click.Group):
        for name, sub in group.commands.items():
            yield from leaf_commands(sub, (*path, name))
    else:
        yield path


def leaf(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def arguments(path: tuple[str, ...], existing: Path) -> list[str]:
    """What each command needs to get past parsing (its callback is what is interrupted)."""
    needed = {
        ("eval",): ["--gt", "gt", "--pred", "pred"],
        ("export",): ["--format", "json"],
        ("import", "markdown"): ["t.md", "--dataset", "a", "--split", "b", "--source-url", "u"],
        ("import", "hf"): [str(existing)],
        ("import", "hf-eval-results"): [str(existing)],
        ("import", "model-index"): [str(existing)],
        ("import", "pwc-archive"): ["evaluation-tables.json"],
    }
    return needed.get(path, [])


def assert_quiet(stderr: str) -> None:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) <= 1 and all(len(line) <= 40 for line in lines), stderr


@pytest.mark.parametrize("path", list(leaf_commands()), ids=" ".join)
def test_ctrl_c_in_any_command_exits_130_quietly(
    path: tuple[str, ...], repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(leaf(path), "callback", interrupted)
    existing = repo / "pyproject.toml"
    completed = run_segboard(*path, *arguments(path, existing), cwd=repo)
    assert completed.returncode == 130, completed.stderr
    assert_quiet(completed.stderr)


def test_ctrl_c_at_a_prompt_exits_130(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def prompt(*_args: object, **_kwargs: object) -> str:
        try:  # what click.prompt does with Ctrl-C
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise click.Abort() from None

    monkeypatch.setattr(click, "prompt", prompt)
    completed = run_segboard("new", "result", "--interactive", cwd=repo)
    assert completed.returncode == 130
    assert_quiet(completed.stderr)


def test_end_of_input_at_a_prompt_is_not_an_interrupt(repo: Path) -> None:
    completed = run_segboard("new", "result", "--interactive", cwd=repo, input="")
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr


def test_ctrl_c_during_parallel_eval_stops_the_workers_quietly(tmp_path: Path) -> None:
    """A terminal's Ctrl-C reaches the whole process group: segboard and its workers."""
    example = FIXTURES / "eval-example"
    script = (
        "import sys, time\n"
        "from generator.scores import evaluation\n"
        "def slow(*args, **kwargs):\n"
        "    time.sleep(120)\n"
        "evaluation._evaluate_pairs = slow\n"  # workers are forked, so they run this too
        "print('started', file=sys.stderr, flush=True)\n"
        "from generator.cli import main\n"
        f"sys.exit(main(['eval', '--num-classes', '3', '--gt', {str(example / 'gt')!r},\n"
        f"               '--pred', {str(example / 'pred')!r}, '--jobs', '2']))\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
        env=child_environment(),
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    assert child.stderr is not None
    assert child.stderr.readline().strip() == "started"
    time.sleep(3)  # the workers are sleeping in their first chunk
    started = time.monotonic()
    os.killpg(child.pid, signal.SIGINT)
    try:
        stderr = child.stderr.read()
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode == 130, stderr
    assert time.monotonic() - started < 30  # the workers were stopped, not waited for
    assert_quiet(stderr)


def test_ctrl_c_stops_serve_with_130(site_repo: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", "0"],
        cwd=site_repo,
        stderr=subprocess.PIPE,
        text=True,
        env=child_environment(),
        start_new_session=True,
    )
    lines: list[str] = []
    assert server.stderr is not None
    reader = threading.Thread(target=lambda: lines.extend(iter(server.stderr.readline, "")))
    reader.start()
    try:
        deadline = time.monotonic() + 180
        while not any("serving" in line for line in list(lines)):
            assert time.monotonic() < deadline and server.poll() is None, lines
            time.sleep(0.2)
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
        reader.join(timeout=10)
    assert server.returncode == 130, lines
    after = "".join(lines).split("(Ctrl-C stops)", 1)[1]
    assert_quiet(after)
