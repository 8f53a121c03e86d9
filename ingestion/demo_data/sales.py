"""Customers and orders (`sales/customers.csv`, `sales/orders_<YYYY-MM>.csv`).

The sales assistant adds 10% more orders in the regions that use it, with the same order
values, so revenue rises by 10% and the average order value does not move. Customers scale
with orders, so each customer's ordering rhythm (and retention) is the same at any scale.

A region's month follows its expected number of orders and mean order value with small
noise (see sampling.py): the order count is decided per region-month, and the amounts,
drawn per order, are scaled so that their mean is the expected order value. The noise is
smaller here than elsewhere because the effect to recover is the smallest (+10%).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from .company import REGIONS
from .effects import initiative
from .sampling import CarriedRounding, cell_noise, lognormal, rescale_to_mean, source_rng
from .timeline import END, START, Month, draw_days, monthly_base, months, to_dates, volume_factor
from .writers import sequence_id, tally, write_csv

ORDERS_AT_SCALE_1 = 20_000
CUSTOMERS_AT_SCALE_1 = 3_000
MIN_CUSTOMERS_PER_REGION = 10
EXISTING_SHARE = 0.6  # customers who first ordered before the period
HISTORY_START = np.datetime64("2019-01-01", "D")
SEGMENTS = ("enterprise", "mid_market", "smb")
SEGMENT_PROBS = (0.15, 0.35, 0.50)
SEGMENT_ORDER_VALUE = np.array([2.2, 1.0, 0.55])  # relative to the average order
MEAN_ORDER_VALUE = 2500.0
ORDER_VALUE_SIGMA = 0.7
CHANNELS = ("direct", "partner", "online")
CHANNEL_PROBS = (0.5, 0.3, 0.2)
CORE_PRODUCTS = tuple(f"PC-{n:03d}" for n in range(1, 41))
# Weight of one launched product against an average core product: with ~700 launches
# by the end, new products carry roughly a fifth of revenue.
NEW_PRODUCT_WEIGHT = 0.012
AI_ENABLED_WEIGHT = 1.5
WEEKEND_WEIGHT = 0.3
REGION_MONTH_NOISE = 0.003  # on order counts and on mean order value, each


@dataclass(frozen=True)
class Customers:
    ids: np.ndarray
    region: np.ndarray  # index into REGIONS
    segment: np.ndarray  # index into SEGMENTS
    first_day: np.ndarray  # days since START of the first order
    activity: np.ndarray  # relative ordering frequency

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "customer_id": self.ids,
                "region": np.array(REGIONS)[self.region],
                "segment": np.array(SEGMENTS)[self.segment],
                "first_order_date": to_dates(self.first_day),
            }
        )


def region_levels(seed: int) -> np.ndarray:
    """Each region's share of customers and orders (the unit fixed effect)."""
    levels = source_rng(seed, "sales", "levels").uniform(0.7, 1.3, len(REGIONS))
    return levels / levels.sum()


def build_customers(seed: int, scale: float, shares: np.ndarray) -> Customers:
    rng = source_rng(seed, "sales", "customers")
    sizes = np.maximum(MIN_CUSTOMERS_PER_REGION, np.rint(CUSTOMERS_AT_SCALE_1 * scale * shares))
    region = np.repeat(np.arange(len(REGIONS)), sizes.astype(np.int64))
    existing = np.concatenate([np.arange(n) < round(EXISTING_SHARE * n) for n in sizes])
    history = int((HISTORY_START - START).astype(np.int64))
    last_day = int((END - START).astype(np.int64))
    first_day = np.where(
        existing,
        rng.integers(history, 0, region.size),
        rng.integers(0, last_day + 1, region.size),
    )
    order = np.lexsort((region, first_day))
    return Customers(
        np.char.add("C", np.char.zfill(np.arange(1, region.size + 1).astype(str), 6)),
        region[order],
        rng.choice(len(SEGMENTS), region.size, p=SEGMENT_PROBS)[order],
        first_day[order],
        rng.gamma(2.0, 1.0, region.size)[order],
    )


def _catalogue(launches: pl.DataFrame, month: Month) -> tuple[np.ndarray, np.ndarray]:
    """Products on sale for the whole month, with their sales weights."""
    launched = launches.filter(pl.col("launch_date") < month.start.item())
    ranks = np.arange(1, len(CORE_PRODUCTS) + 1)
    core = ranks**-0.8
    core = core / core.mean()
    new = NEW_PRODUCT_WEIGHT * np.where(launched["ai_enabled"].to_numpy(), AI_ENABLED_WEIGHT, 1.0)
    products = np.concatenate([np.array(CORE_PRODUCTS), launched["product_id"].to_numpy()])
    weights = np.concatenate([core, new])
    return products, weights / weights.sum()


def _region_orders(
    rng: np.random.Generator, month: Month, customers: Customers, region: int, orders: int
) -> tuple[np.ndarray, np.ndarray]:
    """Customer index and day of each order of one region in one month."""
    in_region = customers.region == region
    month_end = month.first_day + month.days
    first = np.flatnonzero(
        in_region & (customers.first_day >= month.first_day) & (customers.first_day < month_end)
    )
    established = np.flatnonzero(in_region & (customers.first_day < month.first_day))
    repeat = max(orders - first.size, 0)
    activity = customers.activity[established]
    buyers = rng.choice(established, size=repeat, p=activity / activity.sum())
    days = draw_days(rng, month, repeat, WEEKEND_WEIGHT)
    # A new customer's first order is on its first_order_date.
    return np.concatenate([first, buyers]), np.concatenate([customers.first_day[first], days])


def _month_orders(
    rng: np.random.Generator,
    month: Month,
    expected: np.ndarray,
    customers: Customers,
    launches: pl.DataFrame,
    rounding: CarriedRounding,
) -> pl.DataFrame:
    assistant = initiative("sales-assistant")
    regions = len(REGIONS)
    lift = np.where(
        assistant.live(REGIONS, month.start), assistant.effect("revenue").multiplier, 1.0
    )
    counts = rounding("orders", expected * lift * cell_noise(rng, regions, REGION_MONTH_NOISE))
    parts = [_region_orders(rng, month, customers, r, int(counts[r])) for r in range(regions)]
    buyer = np.concatenate([part[0] for part in parts])
    day = np.concatenate([part[1] for part in parts])
    size = buyer.size
    products, weights = _catalogue(launches, month)
    norm = SEGMENT_ORDER_VALUE @ np.array(SEGMENT_PROBS)
    mean = MEAN_ORDER_VALUE * SEGMENT_ORDER_VALUE[customers.segment[buyer]] / norm
    drawn = lognormal(rng, mean, ORDER_VALUE_SIGMA, size)
    target = MEAN_ORDER_VALUE * cell_noise(rng, regions, REGION_MONTH_NOISE)
    amount = np.round(rescale_to_mean(drawn, customers.region[buyer], target), 2)
    order = np.argsort(day, kind="stable")
    frame = pl.DataFrame(
        {
            "customer_id": customers.ids[buyer],
            "product_id": rng.choice(products, size=size, p=weights),
            "region": np.array(REGIONS)[customers.region[buyer]],
            "channel": rng.choice(np.array(CHANNELS), size=size, p=CHANNEL_PROBS),
            "order_date": to_dates(day),
            "amount": amount,
            "margin": np.round(amount * rng.uniform(0.30, 0.40, size), 2),
        }
    )[order]
    return frame.select(sequence_id(f"SO{month.compact}-", 6).alias("order_id"), pl.all())


def write_sales(landing: Path, launches: pl.DataFrame, seed: int, scale: float) -> dict[str, int]:
    folder = landing / "sales"
    folder.mkdir(parents=True, exist_ok=True)
    shares = region_levels(seed)
    customers = build_customers(seed, scale, shares)
    rows = [write_csv(customers.frame(), folder / "customers.csv")]
    base = monthly_base(ORDERS_AT_SCALE_1 * scale, volume_factor)
    rounding = CarriedRounding(source_rng(seed, "sales", "rounding"))
    for month in months():
        rng = source_rng(seed, "sales", month.label)
        expected = base * volume_factor(month) * shares
        orders = _month_orders(rng, month, expected, customers, launches, rounding)
        rows.append(write_csv(orders, folder / f"orders_{month.label}.csv", float_precision=2))
    return tally(rows)
