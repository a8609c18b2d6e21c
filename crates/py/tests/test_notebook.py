"""examples/compare_rules.ipynb runs from top to bottom (so it never goes
stale) and draws its figures."""

from __future__ import annotations

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


def test_the_notebook_runs(repo, tmp_path):
    nb = nbformat.read(repo / "examples" / "compare_rules.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2, "the two figures were not drawn"
    text = "".join(o.get("text", "") for o in outputs)
    assert "consensus: ended" in text and "majority : ended" in text
