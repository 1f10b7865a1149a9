"""The example data sets bundled in the libpysal wheel (offline) and their weights, read with
PySAL's own readers (libpysal is a dev dependency: a test oracle, not a runtime requirement)."""

from __future__ import annotations

import libpysal
import numpy as np
from numpy.typing import NDArray
from scipy import sparse


def table(name: str) -> libpysal.io.FileIO:
    return libpysal.io.open(libpysal.examples.get_path(name))


def gal(name: str) -> tuple[libpysal.weights.W, sparse.csr_array]:
    """The PySAL W of a .gal file and the same binary weights as a CSR array in file order."""
    w = table(name).read()
    full, _ = w.full()
    return w, sparse.csr_array(full)


def usjoin_pci() -> NDArray[np.float64]:
    """US per-capita income, 48 states x 81 years (1929-2009)."""
    f = table("usjoin.csv")
    return np.array([f.by_col[str(y)] for y in range(1929, 2010)], dtype=np.float64).T


def mexico() -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Mexican states' per-capita GDP (32 x 7 decades, 1940-2000) and Hanson's 1998 regions."""
    f = table("mexico.csv")
    y = np.array([f.by_col[f"pcgdp{d}"] for d in range(1940, 2010, 10)], dtype=np.float64).T
    return y, np.array(f.by_col("hanson98"), dtype=np.int64)
