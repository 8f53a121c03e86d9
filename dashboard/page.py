"""The page shell: one self-contained HTML document with its stylesheet and a few lines
of script for the tabs. Nothing is fetched: system fonts, inline SVG, no CDN."""

from __future__ import annotations

from dashboard import (
    adoption,
    case_study,
    data_quality,
    data_quality_page,
    families,
    glance,
    opportunities,
)
from dashboard import formatting as fmt
from dashboard.data import Snapshot
from dashboard.markup import esc

STYLE = r"""
:root {
  --accent: #0f6b66; --accent-soft: #e2f0ee; --ink: #1d2329; --muted: #5b6672;
  --line: #e2e5e9; --bg: #f5f6f7; --card: #fff; --bad: #a8321f; --control: #8d97a1;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--ink); line-height: 1.5; font-size: 15px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-variant-numeric: tabular-nums;
}
.top { background: var(--card); border-bottom: 1px solid var(--line); }
.top-inner, main, .data-quality { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
.brand { display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap; padding-top: 18px; }
.brand h1 { font-size: 20px; margin: 0; }
.brand .meta { color: var(--muted); font-size: 14px; }
.tabs { display: flex; gap: 4px; margin-top: 10px; flex-wrap: wrap; }
[role="tab"] {
  font: inherit; background: none; border: 0; border-bottom: 3px solid transparent;
  padding: 8px 12px; color: var(--muted); cursor: pointer;
}
[role="tab"][aria-selected="true"] { color: var(--ink); border-bottom-color: var(--accent); }
[role="tab"]:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.subtabs { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0 18px; }
.subtabs [role="tab"] { border: 1px solid var(--line); border-radius: 999px; padding: 4px 14px; }
.subtabs [role="tab"][aria-selected="true"] {
  background: var(--accent); border-color: var(--accent); color: #fff;
}
main { padding-top: 8px; padding-bottom: 24px; }
.page-head h2 { font-size: 24px; margin: 20px 0 4px; }
.lead { color: var(--muted); margin: 0 0 16px; max-width: 80ch; }
h3 { font-size: 18px; margin: 24px 0 6px; }
h4 { font-size: 16px; margin: 0 0 2px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px;
  margin: 8px 0 20px; }
.kpi, .block, .figure, .table-wrap, .story {
  background: var(--card); border: 1px solid var(--line); border-radius: 10px;
}
.kpi { padding: 14px 16px; }
.kpi-label { color: var(--muted); font-size: 13px; }
.kpi-value { display: block; font-size: 28px; font-weight: 650; letter-spacing: -0.01em; }
.block { padding: 18px; margin-bottom: 18px; }
.block .table-wrap, .block .figure { border-radius: 8px; }
.table-wrap { overflow-x: auto; margin: 12px 0; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 10px 12px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
  font-weight: 600; background: #fafbfb; }
tbody tr:last-child > * { border-bottom: 0; }
td .num, td.num { white-space: nowrap; }
.big { display: block; font-size: 20px; font-weight: 650; white-space: nowrap; }
.name { display: block; font-weight: 600; }
.sub { display: block; color: var(--muted); font-size: 12.5px; font-weight: 400; }
.sub-inline { color: var(--muted); font-size: 12.5px; margin-left: 4px; }
.pair { display: block; white-space: nowrap; }
td.note { color: var(--muted); font-style: italic; max-width: 60ch; }
.muted { color: var(--muted); }
.fine { color: var(--muted); font-size: 13px; max-width: 90ch; }
.badge { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 999px;
  background: #eef0f2; color: var(--ink); white-space: nowrap; }
.badge.met, .badge.on-track { background: var(--accent-soft); color: var(--accent); }
.badge.at-risk, .badge.missed { background: #f8e6e2; color: var(--bad); }
.verdict.good { color: var(--accent); font-weight: 600; }
.verdict.bad { color: var(--bad); font-weight: 600; }
.verdict.neutral { color: var(--muted); }
.hidden-cell { color: var(--muted); font-style: italic; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; align-items: start; }
.grid.small { grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); }
.figure { margin: 12px 0 0; padding: 12px 14px 8px; }
.figure.wide { grid-column: 1 / -1; }
.figure.wide .chart { max-width: none; }
.figure figcaption { font-weight: 600; font-size: 14px; }
.fig-note { color: var(--muted); font-size: 12.5px; margin: 4px 0 0; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 12.5px; color: var(--muted);
  margin: 2px 0 4px; }
.key::before { content: ""; display: inline-block; width: 18px; height: 0;
  vertical-align: middle; margin-right: 6px; border-top: 3px solid var(--accent); }
.key.control::before { border-top: 3px dashed var(--control); }
.key.go-live::before { border-top: 2px dashed var(--ink); width: 12px; }
.key.whisker::before { border-top: 1.5px solid var(--ink); width: 12px; }
.key.total::before { height: 10px; border: 0; background: var(--accent); width: 12px; }
.key.good::before { width: 10px; height: 10px; border: 0; border-radius: 50%;
  background: var(--accent); }
.key.bad::before { width: 10px; height: 10px; border: 0; border-radius: 50%;
  background: var(--bad); }
.key.ci::before { border-top: 2.4px solid var(--control); width: 14px; }
.key.pre::before, .key.post::before { width: 8px; height: 8px; border: 0; border-radius: 50%; }
.key.pre::before { background: var(--control); }
.key.post::before { background: var(--accent); }
.key.neutral::before { width: 10px; height: 10px; border: 0; border-radius: 50%;
  background: var(--control); }
.chart { display: block; width: 100%; max-width: 760px; height: auto; overflow: visible; }
.chart text { font-size: 11px; fill: var(--muted); }
.chart text.value { fill: var(--ink); font-weight: 600; }
.chart .gridline { stroke: var(--line); }
.chart .zero { stroke: #8d97a1; }
.chart .mark.line { fill: none; stroke-width: 2.2; stroke-linejoin: round; }
.chart .mark.line.treated, .chart .mark.line.total { stroke: var(--accent); }
.chart .mark.line.control { stroke: var(--control); stroke-dasharray: 5 3; }
.chart .mark.point.treated { fill: var(--accent); }
.chart .mark.point.control { fill: var(--control); }
.chart .mark.bar { fill: var(--accent); opacity: .85; }
.chart .whisker { stroke: var(--ink); stroke-width: 1.4; fill: none; }
.chart .go-live { stroke: var(--ink); stroke-dasharray: 3 3; }
.chart .go-live-label { fill: var(--ink); }
.chart .rollout { fill: var(--accent-soft); }
.chart .mark.ci { stroke-width: 2.4; stroke-linecap: round; fill: none; }
.chart .good { stroke: var(--accent); fill: var(--accent); }
.chart .bad { stroke: var(--bad); fill: var(--bad); }
.chart .neutral { stroke: var(--control); fill: var(--control); }
.chart text.good { fill: var(--accent); stroke: none; }
.chart text.bad { fill: var(--bad); stroke: none; }
.chart text.neutral { fill: var(--muted); stroke: none; }
.chart .pre { stroke: var(--control); fill: var(--control); }
.chart .post { stroke: var(--accent); fill: var(--accent); }
.chart .mark.ci.pre, .chart .mark.ci.post { stroke-width: 1.6; }
.story { padding: 6px 20px; font-size: 16px; max-width: 90ch; }
.story p { margin: 12px 0; }
.claims { color: var(--accent); }
.objectives { padding-left: 0; list-style: none; }
.objectives li { margin: 6px 0; }
.data-quality { border-top: 1px solid var(--line); padding-top: 8px; padding-bottom: 32px; }
.blocked { max-width: 1132px; margin: 12px auto; padding: 10px 16px; border: 1px solid #b42318;
  background: #fef3f2; color: #7a271a; border-radius: 6px; font-size: 14px; }
.blocked ul, .missing-sources ul { margin: 6px 0 0; padding-left: 20px; }
.missing-sources { max-width: 1132px; margin: 12px auto; padding: 10px 16px; font-size: 14px;
  border: 1px solid var(--line); background: #f8fafc; border-radius: 6px; }
.data-quality h2 { font-size: 16px; margin: 12px 0 8px; }
.facts { display: flex; flex-wrap: wrap; gap: 10px 36px; margin: 0; }
.facts dt { color: var(--muted); font-size: 12.5px; }
.facts dd { margin: 0; font-weight: 600; }
details summary { cursor: pointer; color: var(--accent); margin-top: 10px; }
a { color: var(--accent); }
.table-tools { display: flex; align-items: center; gap: 10px; margin: 12px 0 -4px; }
.table-filter { font: inherit; font-size: 14px; padding: 6px 10px; min-width: 260px;
  border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--ink); }
.filter-count { color: var(--muted); font-size: 13px; }
th .sort { font: inherit; color: inherit; letter-spacing: inherit; text-transform: inherit;
  text-align: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
th .sort:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
th .sort::after { content: "\2195"; margin-left: 4px; opacity: .35; }
th[aria-sort="ascending"] .sort::after { content: "\25B2"; opacity: 1; }
th[aria-sort="descending"] .sort::after { content: "\25BC"; opacity: 1; }
.badge.passed, .badge.candidate { background: var(--accent-soft); color: var(--accent); }
.badge.failed { background: #f8e6e2; color: var(--bad); }
.badge.warnings, .badge.warning, .badge.fix-data-first { background: #fdf3d8; color: #7a5200; }
.chart .mark.point.on-hover { fill-opacity: 0; stroke: transparent; stroke-width: 8; }
.chart .mark.point.on-hover:hover { fill-opacity: 1; }
.chart .mark.bar:hover { opacity: 1; }
.opportunity-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr));
  gap: 14px; margin-bottom: 8px; }
.opportunity-card { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 16px 18px; overflow-wrap: anywhere; }
.opportunity-card header { display: flex; align-items: flex-start; gap: 12px; }
.opportunity-card .rank { font-size: 22px; font-weight: 700; color: var(--accent); }
.opportunity-card .title { flex: 1; min-width: 0; }
.opportunity-card h3 { margin: 2px 0 0; }
.opportunity-card h4 { margin: 12px 0 4px; font-size: 14px; }
.card-figures { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 10px 0 2px; }
.reasons { margin: 0; padding-left: 18px; font-size: 14px; }
.reasons li { margin: 4px 0; }
.component-bars { list-style: none; padding: 0; margin: 14px 0 0; display: grid; gap: 3px;
  font-size: 12.5px; color: var(--muted); }
.component-bars li { display: grid; grid-template-columns: 110px 1fr 36px; gap: 8px;
  align-items: center; }
.bar-track { height: 8px; background: #eef0f2; border-radius: 4px; overflow: hidden; }
.bar-fill { display: block; height: 100%; background: var(--accent); }
.bar-value { text-align: right; color: var(--ink); }
.opportunity-figures { border-top: 1px solid var(--line); padding: 10px 0; }
.figure-groups { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr));
  gap: 8px 24px; }
.figure-groups dl { margin: 0; display: grid; grid-template-columns: 1fr auto; gap: 2px 10px;
  font-size: 13px; align-content: start; }
.figure-groups dt { color: var(--muted); }
.figure-groups dt.group { grid-column: 1 / -1; font-weight: 600; color: var(--ink);
  margin-top: 6px; }
.figure-groups dd { margin: 0; text-align: right; }
.observed { overflow-wrap: anywhere; }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } }
@media print {
  body { background: #fff; font-size: 11px; }
  .top-inner, main, .data-quality { padding: 0; max-width: none; }
  .tabs, .subtabs, .table-tools { display: none; }
  [role="tabpanel"][hidden] { display: block; }
  .page + .page, .family + .family { break-before: page; }
  .grid { grid-template-columns: 1fr; }
  .opportunity-cards { grid-template-columns: 1fr 1fr; }
  .table-wrap { overflow: visible; }
  table { font-size: 10px; }
  th, td { padding: 5px 6px; overflow-wrap: anywhere; }
  thead { display: table-header-group; }
  th .sort::after { content: none; }
  details:not([open])::details-content { content-visibility: visible; }
  details summary { color: var(--ink); }
  a { color: inherit; text-decoration: none; }
  .kpi, .figure, .story, tr, .opportunity-card, .opportunity-figures { break-inside: avoid; }
  .kpi, .block, .figure, .table-wrap, .story, .opportunity-card { border-color: #ccc; }
  h2, h3, h4 { break-after: avoid; }
}
"""

# Tabs, sortable and filterable tables, and print, without a framework. With scripts off
# every panel simply stays visible and tables keep their order.
SCRIPT = r"""
const tabLists = [...document.querySelectorAll('[role="tablist"]')].map((list) => {
  const tabs = [...list.querySelectorAll('[role="tab"]')];
  const show = (chosen) => {
    for (const tab of tabs) {
      tab.setAttribute("aria-selected", String(tab === chosen));
      document.getElementById(tab.getAttribute("aria-controls")).hidden = tab !== chosen;
    }
  };
  for (const tab of tabs) tab.addEventListener("click", () => show(tab));
  show(tabs[0]);
  return tabs;
});
const followHash = () => {
  for (const tabs of tabLists) {
    const wanted = tabs.find((tab) => "#" + tab.getAttribute("aria-controls") === location.hash);
    if (wanted) {
      wanted.click();
      document.getElementById(wanted.getAttribute("aria-controls")).scrollIntoView();
    }
  }
};
followHash();
addEventListener("hashchange", followHash);

const FILTER_FROM = 5; // a table of more rows gets a filter box
// A cell sorts by its data-sort-value, else by its text: a number where it starts with
// one (3.41, 12 months), else the words. Numbers come before words; empty cells last.
const LEADING_NUMBER = /^([+\u2212-]?)\$?(\d[\d,]*(?:\.\d+)?)(?=$|[\s%)])/;
const sortKey = (cell) => {
  const raw = cell ? (cell.dataset.sortValue ?? cell.textContent).trim() : "";
  if (raw === "") return null;
  const match = raw.match(LEADING_NUMBER);
  if (!match) return raw.toLowerCase();
  return (match[1] && match[1] !== "+" ? -1 : 1) * Number(match[2].replaceAll(",", ""));
};
const compare = (a, b) => {
  if (typeof a !== typeof b) return typeof a === "number" ? -1 : 1;
  return typeof a === "number" ? a - b : a.localeCompare(b);
};
const cellAt = (row, column) => {
  let end = 0;
  for (const cell of row.cells) if ((end += cell.colSpan) > column) return cell;
  return null;
};
const sortTable = (table, header) => {
  const column = [...header.parentElement.cells].indexOf(header);
  const direction = header.getAttribute("aria-sort") === "ascending" ? -1 : 1;
  for (const other of header.parentElement.cells) other.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
  const body = table.tBodies[0];
  const keyed = [...body.rows].map((row) => [sortKey(cellAt(row, column)), row]);
  keyed.sort(([a], [b]) =>
    a === null || b === null ? (a === null) - (b === null) : direction * compare(a, b));
  body.append(...keyed.map(([, row]) => row));
};
const addFilter = (table) => {
  const rows = [...table.tBodies[0].rows];
  const box = Object.assign(document.createElement("input"), {
    type: "search", className: "table-filter", placeholder: `Filter ${rows.length} rows`,
  });
  box.setAttribute("aria-label", "Show only the rows of the table below with these words");
  const count = Object.assign(document.createElement("span"), { className: "filter-count" });
  count.setAttribute("aria-live", "polite");
  const tools = Object.assign(document.createElement("div"), { className: "table-tools" });
  tools.append(box, count);
  (table.closest(".table-wrap") || table).before(tools);
  box.addEventListener("input", () => {
    const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const row of rows) {
      const text = row.textContent.toLowerCase();
      row.hidden = !words.every((word) => text.includes(word));
    }
    const shown = rows.filter((row) => !row.hidden).length;
    count.textContent = words.length ? `${shown} of ${rows.length} rows` : "";
  });
};
for (const table of document.querySelectorAll("table")) {
  if (!table.tHead || !table.tBodies.length) continue;
  for (const header of table.tHead.rows[0].cells) {
    const button = Object.assign(document.createElement("button"), {
      type: "button", className: "sort", title: "Sort by this column",
    });
    button.append(...header.childNodes);
    header.append(button);
    button.addEventListener("click", () => sortTable(table, header));
  }
  if (table.tBodies[0].rows.length > FILTER_FROM) addFilter(table);
}

// A printout shows what the screen folds away; the page is restored after printing.
let foldedForPrint = [];
addEventListener("beforeprint", () => {
  foldedForPrint = [...document.querySelectorAll("details:not([open])")];
  for (const details of foldedForPrint) details.open = true;
});
addEventListener("afterprint", () => {
  for (const details of foldedForPrint) details.open = false;
});
"""


def render(snapshot: Snapshot) -> str:
    pages = [
        ("page-glance", "At a glance", glance.render(snapshot)),
        ("page-families", "Per family", families.render(snapshot)),
        ("page-case", "Case study", case_study.render(snapshot)),
    ]
    if snapshot.adoption:
        pages.append((adoption.PANEL_ID, "Adoption", adoption.render(snapshot)))
    if snapshot.opportunities is not None:
        pages.append(
            (
                opportunities.PANEL_ID,
                "Where next",
                opportunities.render(snapshot.opportunities, snapshot.competitor_moves),
            )
        )
    pages.append((data_quality_page.PANEL_ID, "Data quality", data_quality_page.render(snapshot)))
    tabs = "".join(
        f'<button type="button" role="tab" aria-controls="{pid}">{esc(title)}</button>'
        for pid, title, _ in pages
    )
    panels = "".join(
        f'<section class="page" id="{pid}" role="tabpanel">{body}</section>'
        for pid, _, body in pages
    )
    title = f"AI ROI dashboard, {fmt.month_name(snapshot.report_month)}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # An empty inline icon: otherwise the browser asks the file system for favicon.ico.
        '<link rel="icon" href="data:,">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        '<header class="top"><div class="top-inner"><div class="brand">'
        "<h1>AI ROI dashboard</h1>"
        f'<span class="meta">Report month {esc(fmt.month_name(snapshot.report_month))} · '
        f"published {esc(fmt.timestamp(snapshot.published_at))}</span></div>"
        f'<nav aria-label="Pages"><div class="tabs" role="tablist">{tabs}</div></nav>'
        f"</div></header>{data_quality.blocked_banner(snapshot)}"
        f"{data_quality.missing_sources_notice(snapshot)}<main>{panels}</main>"
        f"{data_quality.render(snapshot)}"
        f"<script>{SCRIPT}</script></body></html>"
    )
