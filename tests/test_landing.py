"""Landing folders hold deliveries, not links to elsewhere: a link pointing out of the
landing folder (at the pseudonymisation key, say) is rejected unread, and no message
quotes more of a file than short, clean names from its header."""

from __future__ import annotations

import pytest

from ingestion.contracts import SALES_ORDERS
from ingestion.errors import SourceLoadError
from ingestion.loader import load_source
from ingestion.registry import load_registry
from tests.helpers import TEST_KEY, write_text
from tests.test_registry import VALID

# What `pseudonymise.load_key` writes to a local key file: 64 hex characters.
KEY_TEXT = "3f9c2a7be41d08c5f6a92e7d1b04c3a85e6f7d2c9b1a0e4f8d3c6b5a7e9f1d2c"
ORDERS = (
    "order_id,customer_id,product_id,region,channel,order_date,amount,margin\n"
    "o1,c1,p1,NORTH,direct,2025-01-03,100,20\n"
)
AUDIT_TABLES = ("load_ledger", "load_accounting", "quarantine")


def load_sales_and_registry(con, landing) -> list[str]:
    """Load both sources as a run does; return the messages of the errors they raise."""
    messages = []
    with pytest.raises(SourceLoadError) as sales:
        load_source(con, SALES_ORDERS, landing, TEST_KEY)
    messages.append(str(sales.value))
    with pytest.raises(SourceLoadError) as registry:
        load_registry(con, landing)
    messages.append(str(registry.value))
    return messages


def ledger(con) -> list[tuple]:
    return con.execute(
        "select file_path, content_hash, status, rows_read, message from audit.load_ledger "
        "order by file_path"
    ).fetchall()


def audit_text(con) -> str:
    """Everything the audit tables hold, as one string to search."""
    return "\n".join(
        str(con.execute(f"select * from audit.{table}").fetchall()) for table in AUDIT_TABLES
    )


def test_links_out_of_the_landing_folder_are_rejected_unread(con, landing, tmp_path):
    key_file = write_text(tmp_path / "secrets" / ".pseudonymisation.key", KEY_TEXT)
    sales_link = landing / "sales" / "orders_x.csv"
    registry_link = landing / "initiatives" / "x.yaml"
    for link in (sales_link, registry_link):
        link.parent.mkdir(parents=True)
        link.symlink_to(key_file)

    messages = load_sales_and_registry(con, landing)

    problem = "a link pointing outside the landing folder; not read"
    fix = "Fix: copy the file into the landing folder instead of linking to it"
    assert ledger(con) == [
        ("initiatives/x.yaml", "not read", "rejected", 1, f"{registry_link}: {problem}. {fix}"),
        ("sales/orders_x.csv", "not read", "rejected", 0, f"{sales_link}: {problem}. {fix}"),
    ]
    assert f"{sales_link}: {problem}" in messages[0]
    assert f"{registry_link}: {problem}" in messages[1]
    assert KEY_TEXT not in audit_text(con)
    assert not any(KEY_TEXT in message for message in messages)


def test_links_that_stay_inside_the_landing_folder_load(con, landing):
    orders = write_text(landing / "archive" / "orders.csv", ORDERS)
    initiative = write_text(landing / "archive" / "support-copilot.yaml", VALID)
    (landing / "sales").mkdir()
    (landing / "sales" / "orders_2025-01.csv").symlink_to(orders)
    (landing / "initiatives").mkdir()
    (landing / "initiatives" / "support-copilot.yaml").symlink_to(initiative)

    assert load_source(con, SALES_ORDERS, landing, TEST_KEY).total("rows_loaded") == 1
    assert load_registry(con, landing).count("loaded") == 1


def test_directories_and_broken_links_matching_a_pattern_are_rejected_by_name(con, landing):
    (landing / "sales" / "orders_dir.csv").mkdir(parents=True)
    (landing / "sales" / "orders_gone.csv").symlink_to(landing / "sales" / "orders_moved.csv")
    (landing / "initiatives" / "x.yaml").mkdir(parents=True)

    messages = load_sales_and_registry(con, landing)

    directory = "a directory, not a file; not read"
    broken = "not a regular file (a broken link, a loop of links, a pipe or a device); not read"
    assert [row[:3] for row in ledger(con)] == [
        ("initiatives/x.yaml", "not read", "rejected"),
        ("sales/orders_dir.csv", "not read", "rejected"),
        ("sales/orders_gone.csv", "not read", "rejected"),
    ]
    assert f"orders_dir.csv: {directory}" in messages[0]
    assert f"orders_gone.csv: {broken}" in messages[0]
    assert f"x.yaml: {directory}" in messages[1]


def test_missing_column_message_quotes_only_short_clean_header_names(con, landing):
    header = f"order_id,Customer\tID,re\x07marks,notes,{KEY_TEXT},{'x' * 40}"
    write_text(landing / "sales" / "orders_2025-01.csv", f"{header}\no1,c1,NORTH,,1,2\n")

    with pytest.raises(SourceLoadError) as raised:
        load_source(con, SALES_ORDERS, landing, TEST_KEY)

    found = (
        "found: 'order_id', 'Customer ID', 'remarks', 'notes'; "
        "2 unrecognised columns of up to 64 characters, not shown"
    )
    missing = f"column 'region': required column missing (accepted names: 'region'; {found})"
    assert missing in str(raised.value)
    assert KEY_TEXT not in audit_text(con)


def test_key_delivered_as_a_file_is_counted_not_quoted(con, landing):
    write_text(landing / "sales" / "orders_key.csv", KEY_TEXT)

    with pytest.raises(SourceLoadError) as raised:
        load_source(con, SALES_ORDERS, landing, TEST_KEY)

    assert "found: 1 unrecognised column of 64 characters, not shown)" in str(raised.value)
    assert KEY_TEXT not in str(raised.value) + audit_text(con)
