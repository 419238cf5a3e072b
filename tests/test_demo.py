"""make demo runs as the README says, and leaves nothing in the temp folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "scripts" / "demo.py"


def test_the_demo_runs_and_leaves_nothing_behind(tmp_path: Path) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        env={**os.environ, "TMPDIR": str(temp)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "refused, no data returned: response signature rejected" in result.stdout
    assert "demo done" in result.stdout
    assert list(temp.iterdir()) == []
