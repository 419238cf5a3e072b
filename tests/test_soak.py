"""The 2,000-call soak (scripts/soak.py) in the test run; `make soak` runs the full 20,000."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[1] / "scripts" / "soak.py"


@pytest.mark.slow  # about a minute: `make test-slow`, and CI
def test_soak_2000_calls_at_50_in_flight(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--calls", "2000", "--in-flight", "50"],
        env={**os.environ, "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = dict(re.findall(r"^([a-zA-Z /()0-9]+):\s*([-+\d.,]+)", result.stdout, re.MULTILINE))
    assert report["errors"] == "0"
    assert report["unverified handed over"] == "0"
    assert int(report["verified answers"]) >= 2000 * 0.9
    assert int(report["forged answers refused"]) >= 100
    assert float(report["RSS growth"]) < 10
    assert list(tmp_path.iterdir()) == []  # the sandbox's credentials went with it
