"""The HTML report: one self-contained file (no script, no fetch) a person opens in a browser."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from contract_tests.plugin.run_summary import FindingView, RunView

_STYLE = """
:root { color-scheme: light; --ink: #1d232a; --muted: #5b6670; --line: #d9dee3; --bad: #b42318; --good: #067647;
        --bar: #4e79a7; --soft: #f5f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h1 .verdict { padding: 2px 10px; border-radius: 6px; color: #fff; }
.BROKEN { background: var(--bad); } .KEPT { background: var(--good); }
h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 0 0 6px; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px; margin: 16px 0; }
.fact { background: var(--soft); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.fact b { display: block; font-size: 20px; } .fact span { color: var(--muted); font-size: 13px; }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--bad); border-radius: 8px;
           padding: 14px 16px; margin: 12px 0; }
.finding dl { display: grid; grid-template-columns: 110px 1fr; gap: 2px 12px; margin: 8px 0; }
.finding dt { color: var(--muted); } .finding dd { margin: 0; overflow-wrap: anywhere; }
pre { background: #0f1720; color: #e6edf3; padding: 10px 12px; border-radius: 6px; overflow-x: auto;
      font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; overflow-wrap: anywhere;
      margin: 6px 0; }
pre.steps { counter-reset: step; } pre.steps span { display: block; padding-left: 2.2em; text-indent: -2.2em; }
pre.steps span::before { counter-increment: step; content: counter(step) ". "; color: #8b98a5; }
code { font: 13px ui-monospace, "DejaVu Sans Mono", monospace; background: var(--soft); padding: 1px 4px;
       border-radius: 4px; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 13px; }
td.count { text-align: right; width: 80px; font-variant-numeric: tabular-nums; }
td.bar { width: 38%; } .bar div { background: var(--bar); height: 10px; border-radius: 3px; min-width: 2px; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 28px; }
@media (max-width: 800px) { .columns { grid-template-columns: 1fr; } }
.verdict-held { color: var(--good); } .verdict-broken { color: var(--bad); font-weight: 600; }
.verdict-allowed, .verdict-not { color: var(--muted); }
.muted { color: var(--muted); }
"""


def _counts_table(title: str, counts: Mapping[str, int]) -> str:
    if not counts:
        return f"<h3>{escape(title)}</h3><p class=muted>none</p>"
    largest = max(counts.values()) or 1
    rows = "".join(f"<tr><td>{escape(str(name))}</td><td class=count>{count}</td><td class='bar'><div "
                   f"style='width:{100 * count / largest:.0f}%'></div></td></tr>" for name, count in counts.items())
    return (f"<h3>{escape(title)}</h3><table><thead><tr><th>{escape(title.split(' by ')[-1])}</th><th>requests</th>"
            f"<th></th></tr></thead><tbody>{rows}</tbody></table>")


def _finding(number: int, finding: FindingView) -> str:
    tests = "".join(f"<li><code>{escape(test)}</code></li>" for test in finding.tests)
    details = (f"<dl><dt>Received</dt><dd>{escape(finding.received)}</dd><dt>Contract</dt>"
               f"<dd>{escape(finding.expected)}</dd><dt>Response</dt><dd><code>{escape(finding.response)}</code></dd>"
               "</dl>") if finding.received or finding.expected else (
        f"<pre>{escape(finding.text[:4000])}</pre>" if finding.text else "")
    reproducer = (f"<p>Reproduce ({len(finding.reproducer)} request(s), in this order):</p>"
                  "<pre class=steps>" + "".join(f"<span>{escape(line)}</span>" for line in finding.reproducer)
                  + "</pre>") if finding.reproducer else ""
    kind = f"on requests of {escape(finding.kind)}; " if finding.kind else ""
    return (f"<section class=finding id='finding-{number}'><h3>{number}. <code>{escape(finding.name)}</code>: "
            f"{escape(finding.problem)}</h3><p class=muted>{kind}seen in {finding.requests} request(s), "
            f"{len(finding.tests)} failing test(s)</p>{details}{reproducer}"
            f"<p>Replay: <code>{escape(finding.replay)}</code></p><details><summary>Failing tests</summary>"
            f"<ul>{tests}</ul></details></section>")


def render_html(run: RunView) -> str:
    """The whole report as one HTML document."""
    results = ", ".join(f"{count} {name}" for name, count in run.results.items())
    facts = [(str(run.requests), "requests sent"), (f"{run.seconds:.1f} s", "time spent"),
             (str(len(run.findings)), "findings (root causes)"), (str(len(run.checks)), "checks run"),
             (run.profile, f"profile; seed {run.seed}"), (str(run.workers), "workers")]
    findings = "".join(_finding(number, finding) for number, finding in enumerate(run.findings, 1)) or \
        "<p>No promise of the contract was broken.</p>"
    checks = "".join(f"<tr><td><code>{escape(check.name)}</code></td><td>{escape(check.promise)}</td>"
                     f"<td class='verdict-{escape(check.verdict.split()[0])}'>{escape(check.verdict)}</td>"
                     f"<td class=count>{check.runs}</td></tr>" for check in run.checks)
    parts = "".join(f"<tr><td>{escape(part)}</td><td class=count>{seconds:.1f}</td></tr>"
                    for part, seconds in run.seconds_by_part.items())
    warnings = "".join(f"<li>{escape(line)}</li>" for line in run.warnings)
    return f"""<!doctype html>
<html lang=en><head><meta charset=utf-8><meta name=viewport content="width=device-width, initial-scale=1">
<title>Contract report: {escape(run.verdict)}</title><style>{_STYLE}</style></head>
<body><main>
<h1>Contract report: the contract is <span class="verdict {escape(run.verdict)}">{escape(run.verdict)}</span></h1>
<p class=muted>{escape(run.target)}; finished {escape(run.finished)}; {escape(results)}</p>
<div class=facts>{"".join(f"<div class=fact><b>{escape(value)}</b><span>{escape(label)}</span></div>"
                          for value, label in facts)}</div>
<h2>Findings</h2>{findings}
{f"<h2>Warnings</h2><ul>{warnings}</ul>" if warnings else ""}
<h2>What was tried</h2>
<div class=columns><div>{_counts_table("Requests by status", run.requests_by_status)}</div>
<div>{_counts_table("Requests by parameter class", run.requests_by_class)}</div></div>
<h3>Checks and their verdicts</h3>
<table><thead><tr><th>check</th><th>promise</th><th>verdict</th><th>judged</th></tr></thead><tbody>{checks}</tbody>
</table>
{f"<h3>Time spent</h3><table><thead><tr><th>part of the suite</th><th>seconds</th></tr></thead><tbody>{parts}"
 "</tbody></table>" if parts else ""}
</main></body></html>
"""
