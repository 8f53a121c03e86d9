"""Dagster's SQLite run history, sped up: every event is still written and read back, the
write-ahead log stays open between writes, and only files in WAL mode sync less."""

import sqlite3
from pathlib import Path

import dagster as dg
import sqlalchemy

from dagster_project.event_log import speed_up_sqlite_storage
from dagster_project.partitions import daily_partitions

DAYS = daily_partitions.get_partition_keys()[:40]
NORMAL, FULL = 1, 2


@dg.asset(partitions_def=daily_partitions)
def facts(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    for day in DAYS:
        context.log_event(dg.AssetMaterialization(context.asset_key, partition=day))
    return dg.MaterializeResult()


def test_every_event_is_written_and_the_log_stays_open_between_writes(tmp_path: Path):
    speed_up_sqlite_storage()
    speed_up_sqlite_storage()  # a second call changes nothing
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        result = dg.materialize([facts], instance=instance, partition_key=DAYS[-1])
        status = instance.get_status_by_partition(facts.key, DAYS, daily_partitions)

    assert result.success
    assert set(status.values()) == {dg.AssetPartitionStatus.MATERIALIZED}
    # Had the last connection closed after a write, it would have removed the log.
    assert (tmp_path / "history" / "runs" / "index.db-wal").exists()


def test_only_files_in_wal_mode_sync_less(tmp_path: Path):
    speed_up_sqlite_storage()
    wal, rollback = tmp_path / "wal.db", tmp_path / "rollback.db"
    with sqlite3.connect(wal) as connection:
        connection.execute("pragma journal_mode=wal")

    def synchronous(path: Path) -> int:
        with sqlalchemy.create_engine(f"sqlite:///{path}").connect() as connection:
            return connection.exec_driver_sql("pragma synchronous").scalar()

    assert synchronous(wal) == NORMAL
    assert synchronous(rollback) == FULL
