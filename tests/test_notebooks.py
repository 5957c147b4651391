"""The example notebooks run top to bottom, offline, and show their key outputs.

Each notebook is executed with nbclient in a kernel running this interpreter
(a kernelspec written to a temporary JUPYTER_PATH), on the bundled sample
(``TACTICAL_DATA=sample``) and once on the real data when ``shared/data`` is
there. A cell error fails the test with the cell's traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SHARED = ROOT.parent / "shared" / "data"
NAMES = (
    "01_quickstart",
    "02_rebalancing_study",
    "03_401k_tactical_model",
    "04_my_401k",
    "05_is_it_luck",
)

# text that must appear in the outputs of each notebook (besides the data line)
EXPECTED = {
    "01_quickstart": ["Window:", "conventions:", "Dual momentum", "60/40 5/25 band"],
    "02_rebalancing_study": ["calendar quarterly", "band 5/25", "rebalances"],
    "03_401k_tactical_model": ["no look-ahead", "Tactical, 10 bps", "Window:"],
    "04_my_401k": [
        "final balance = contributed + growth for every strategy: True",
        "XIRR (money-weighted)",
        "trading rule (reentry)",
        "Future contributions:",
        "Target 2035",
    ],
    "05_is_it_luck": [
        "deflated Sharpe ratio",
        "PBO",
        "walk-forward (honest)",
        "Is it luck?",
        "Target 2035",
        "Intervals [low, high]: 95% percentile intervals",
        "the honest model's gap to it",
    ],
}
MIN_IMAGES = {
    "01_quickstart": 4,
    "02_rebalancing_study": 3,
    "03_401k_tactical_model": 3,
    "04_my_401k": 1,
    "05_is_it_luck": 7,
}


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JUPYTER_PATH whose python3 kernel is this interpreter (the venv's)."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (tactical tests)",
                "language": "python",
                "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline"},
            }
        )
    )
    return root


def _run(name: str, data: str, kernel_env: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_env))
    monkeypatch.setenv("TACTICAL_DATA", data)
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[0] == sys.executable, spec.argv
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    return nb


def _outputs(nb) -> tuple[str, int]:
    text, images = [], 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                pytest.fail(f"cell raised {out['ename']}: {out['evalue']}")
            if "text" in out:
                text.append(out["text"])
            data = out.get("data", {})
            text.append(data.get("text/plain", ""))
            text.append(data.get("text/html", ""))
            images += "image/png" in data
    return "\n".join(text), images


def test_committed_notebooks_have_no_outputs():
    for name in NAMES:
        nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(not c.outputs and c.execution_count is None for c in code), name


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_on_the_sample(name, kernel_env, monkeypatch):
    nb = _run(name, "sample", kernel_env, monkeypatch)
    text, images = _outputs(nb)
    assert "data: bundled monthly sample" in text
    for expected in EXPECTED[name]:
        assert expected in text, f"{name}: {expected!r} not in the outputs"
    assert images >= MIN_IMAGES[name]


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "prices").is_dir(), reason="no shared/data folder")
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_on_the_real_data(name, kernel_env, monkeypatch):
    nb = _run(name, "real", kernel_env, monkeypatch)
    text, images = _outputs(nb)
    assert "data: real daily CSV files" in text
    for expected in EXPECTED[name]:
        assert expected in text, f"{name}: {expected!r} not in the outputs"
    assert images >= MIN_IMAGES[name]
