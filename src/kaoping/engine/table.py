"""A small column table on NumPy arrays.

The engine returns these instead of pandas frames so that a command such as
``kaoping evaluate`` never pays pandas' import time; :meth:`Table.to_pandas` gives a
DataFrame (nullable integers for year columns) to whoever wants one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np


def _is_year(name: str) -> bool:
    return name == "year" or name.endswith("_year")


class Table(Mapping[str, np.ndarray]):
    """Named columns of equal length. Years are float arrays with NaN for none."""

    def __init__(self, columns: Mapping[str, Any], order: list[str] | None = None):
        cols = {k: np.asarray(v) for k, v in columns.items()}
        lengths = {len(v) for v in cols.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {lengths}")
        self._cols = cols
        self._order = order or list(cols)
        self._n = lengths.pop() if lengths else 0

    def __getitem__(self, key: str) -> np.ndarray:
        return self._cols[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    @property
    def n_rows(self) -> int:
        return self._n

    @property
    def columns(self) -> list[str]:
        return list(self._order)

    def where(self, mask: np.ndarray) -> Table:
        return Table({k: v[mask] for k, v in self._cols.items()}, self._order)

    def rows(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (NaN stays NaN; years become int or None)."""
        out: list[dict[str, Any]] = []
        lists = {}
        for k in self._order:
            v = self._cols[k]
            if _is_year(k) and v.dtype.kind == "f":
                lists[k] = [None if x != x else int(x) for x in v.tolist()]
            else:
                lists[k] = v.tolist()
        for i in range(self._n):
            out.append({k: lists[k][i] for k in self._order})
        return out

    def to_pandas(self):
        """The table as a pandas DataFrame (imports pandas)."""
        import pandas as pd

        data = {}
        for k in self._order:
            v = self._cols[k]
            if _is_year(k) and v.dtype.kind == "f":
                data[k] = pd.array(np.where(np.isnan(v), None, v).tolist(), dtype="Int64")
            else:
                data[k] = v
        return pd.DataFrame(data, columns=self._order)


def column(obs: Any, name: str) -> np.ndarray | None:
    """A column of a DataFrame, a Table or a mapping of sequences, as an array."""
    try:
        v = obs[name]
    except (KeyError, IndexError):
        return None
    return v.to_numpy() if hasattr(v, "to_numpy") else np.asarray(v)


def n_rows(obs: Any) -> int:
    if hasattr(obs, "n_rows"):
        return obs.n_rows
    return (
        len(obs)
        if hasattr(obs, "columns") and hasattr(obs, "iloc")
        else len(next(iter(obs.values()), []))
    )
