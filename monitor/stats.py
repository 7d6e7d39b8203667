"""The one Poisson tail shared by the crisis alerts and the monthly report (SciPy's, not ours)."""

from __future__ import annotations

from scipy.special import pdtrc


def poisson_tail(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean); 1 for k <= 0 (pdtrc(j, m) is P(X > j))."""
    if k <= 0:
        return 1.0
    return float(pdtrc(k - 1, max(mean, 0.0)))
