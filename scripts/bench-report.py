#!/usr/bin/env python3
"""Tables and plot of one scripts/bench-suite run (standard library only).

  scripts/bench-report.py target/bench-suite/<time>     writes report.md and ratios.svg there

Reads measurements.csv (one row per round, target and cell), memory.csv, memory-samples.csv and
meta.txt, as written by scripts/bench-suite.
"""
import csv
import html
import os
import statistics
import sys

TARGETS = ["direct", "passthrough", "cse-local", "cse-kms", "peer"]
OTHERS = TARGETS[1:]
S3SEAL = ["passthrough", "cse-local", "cse-kms"]
COLOURS = {"passthrough": "#4c78a8", "cse-local": "#f58518", "cse-kms": "#e45756", "peer": "#72b7b2"}
GIB = 1024**3


def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read_meta(path):
    meta = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            meta[key] = value
    return meta


def number(value):
    return float(value) if value not in ("", None) else None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=2):
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:.{digits}f}"


class Run:
    def __init__(self, directory):
        self.directory = directory
        self.meta = read_meta(os.path.join(directory, "meta.txt"))
        self.rows = read_csv(os.path.join(directory, "measurements.csv"))
        self.memory = read_csv(os.path.join(directory, "memory.csv"))
        self.samples = read_csv(os.path.join(directory, "memory-samples.csv"))
        self.targets = [t for t in TARGETS if any(r["target"] == t for r in self.rows)]
        cells = []
        for r in self.rows:
            cell = (int(r["size_bytes"]), r["size"], int(r["concurrency"]), r["operation"])
            if cell not in cells:
                cells.append(cell)
        # Ordered as in issue 11: by size, then concurrency, PUT before GET.
        self.cells = sorted(cells, key=lambda c: (c[0], c[2], c[3] != "PUT"))
        self.by_key = {}
        for r in self.rows:
            key = (r["size"], int(r["concurrency"]), r["operation"], r["target"])
            self.by_key.setdefault(key, []).append(r)

    def runs(self, cell, target):
        _, size, c, op = cell
        return self.by_key.get((size, c, op, target), [])

    def median_of(self, cell, target, field):
        return median(number(r[field]) for r in self.runs(cell, target))

    def median_per_request(self, cell, target, field, scale=1000.0):
        values = []
        for r in self.runs(cell, target):
            n = number(r["responses"])
            v = number(r[field])
            if n and v is not None:
                values.append(v / n * scale)
        return median(values)

    def median_per_gib(self, cell, target, field):
        values = []
        for r in self.runs(cell, target):
            n = number(r["responses"])
            v = number(r[field])
            if n and v is not None:
                values.append(v / (n * int(r["size_bytes"]) / GIB))
        return median(values)

    def ratio(self, cell, target):
        """Median over rounds of (target req/s / direct req/s in the same round)."""
        direct = {r["round"]: number(r["requests_per_s"]) for r in self.runs(cell, "direct")}
        values = []
        for r in self.runs(cell, target):
            d = direct.get(r["round"])
            if d:
                values.append(number(r["requests_per_s"]) / d)
        return median(values)


def label(cell):
    _, size, c, op = cell
    return f"{size} {op} c={c}"


def ratio_table(run):
    others = [t for t in OTHERS if t in run.targets]
    lines = ["| cell | " + " | ".join(others) + " |", "|---|" + "---:|" * len(others)]
    for cell in run.cells:
        lines.append(f"| {label(cell)} | " + " | ".join(fmt(run.ratio(cell, t)) for t in others) + " |")
    return lines


def absolute_table(run):
    lines = [
        "| cell | target | req/s | MiB/s | p50 ms | p99 ms |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for cell in run.cells:
        for t in run.targets:
            rps = run.median_of(cell, t, "requests_per_s")
            mib = rps * cell[0] / 1024**2 if rps is not None else None
            lines.append(
                f"| {label(cell)} | {t} | {fmt(rps, 1)} | {fmt(mib, 1)} | "
                f"{fmt(run.median_of(cell, t, 'p50_ms'), 3)} | {fmt(run.median_of(cell, t, 'p99_ms'), 3)} |"
            )
    return lines


def cpu_table(run):
    lines = [
        "| cell | target | own CPU ms/req | own CPU s/GiB | upstream S3Proxy ms/req | server ms/req | moto ms/req | hey ms/req |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for cell in run.cells:
        for t in run.targets:
            own = run.median_per_request(cell, t, "target_cpu_s")
            upstream = run.median_per_request(cell, t, "upstream_s3proxy_cpu_s") if t in S3SEAL else None
            server = own + upstream if (own is not None and upstream is not None) else own
            moto = run.median_per_request(cell, t, "moto_cpu_s") if t == "cse-kms" else None
            lines.append(
                f"| {label(cell)} | {t} | {fmt(own, 3)} | {fmt(run.median_per_gib(cell, t, 'target_cpu_s'))} | "
                f"{fmt(upstream, 3)} | {fmt(server, 3)} | {fmt(moto, 3)} | "
                f"{fmt(run.median_per_request(cell, t, 'hey_cpu_s'), 3)} |"
            )
    return lines


def upstream_table(run):
    seals = [t for t in S3SEAL if t in run.targets]
    operations = []
    for cell in run.cells:
        if (cell[0], cell[1], cell[3]) not in operations:
            operations.append((cell[0], cell[1], cell[3]))
    lines = [
        "| client request | " + " | ".join(seals) + " | KMS calls per 1,000 (cse-kms) |",
        "|---|" + "---:|" * (len(seals) + 1),
    ]
    for size_bytes, size, op in operations:
        cells = [c for c in run.cells if c[0] == size_bytes and c[3] == op]
        row = []
        for t in seals:
            upstream = sum(number(r["upstream_requests"]) or 0 for c in cells for r in run.runs(c, t))
            responses = sum(number(r["responses"]) or 0 for c in cells for r in run.runs(c, t))
            row.append(fmt(upstream / responses) if responses else "–")
        kms = "–"
        if "cse-kms" in run.targets:
            calls = sum(number(r["kms_calls"]) or 0 for c in cells for r in run.runs(c, "cse-kms"))
            responses = sum(number(r["responses"]) or 0 for c in cells for r in run.runs(c, "cse-kms"))
            kms = f"{calls / responses * 1000:.2f} ({calls:.0f} in {responses:.0f})" if responses else "–"
        name = {"PUT": "PutObject", "GET": "GetObject"}[op]
        lines.append(f"| {name} {size} | " + " | ".join(row) + f" | {kms} |")
    return lines


def memory_tables(run):
    lines = [
        "| process | peak RSS MiB (VmHWM) | peak used heap before a GC, MiB | max heap after a GC, MiB | GCs "
        "| live heap after a full GC at the end, MiB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for m in run.memory:
        rss = number(m["peak_rss_kib"])
        lines.append(
            f"| {m['process']} | {fmt(rss / 1024 if rss else None, 0)} | {m['gc_peak_heap_before_mib'] or '–'} | "
            f"{m['gc_max_heap_after_mib'] or '–'} | {m['gc_count'] or '–'} | {m.get('live_heap_mib') or '–'} |"
        )
    if run.samples:
        lines += [
            "",
            "Sampled once in the middle of every cell (`/actuator/prometheus`), largest sample:",
            "",
            "| s3seal | used heap MiB | JDK direct buffers MiB | Netty pooled direct MiB |",
            "|---|---:|---:|---:|",
        ]
        for t in S3SEAL:
            rows = [s for s in run.samples if s["target"] == t]
            if not rows:
                continue
            peak = {f: max(int(s[f]) for s in rows) / 1024**2 for f in ("heap_used_bytes", "jdk_direct_bytes", "netty_direct_bytes")}
            lines.append(
                f"| {t} | {fmt(peak['heap_used_bytes'], 1)} | {fmt(peak['jdk_direct_bytes'], 1)} | "
                f"{fmt(peak['netty_direct_bytes'], 1) if peak['netty_direct_bytes'] else 'not exported'} |"
            )
    return lines


def svg_chart(run, path):
    others = [t for t in OTHERS if t in run.targets]
    ratios = [[run.ratio(cell, t) for t in others] for cell in run.cells]
    top = max([1.0] + [r for row in ratios for r in row if r is not None])
    top = (int(top * 4) + 1) / 4
    bar, gap, left, plot_h, bottom, head = 14, 18, 50, 260, 110, 40
    group = bar * len(others) + gap
    width = left + group * len(run.cells) + 20
    height = head + plot_h + bottom

    def y(v):
        return head + plot_h - v / top * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="18" font-size="13">Throughput relative to direct S3Proxy (median of per-round ratios; 1.0 = direct)</text>',
    ]
    step = 0.25 if top <= 2 else 0.5 if top <= 4 else 1.0
    v = 0.0
    while v <= top + 1e-9:
        out.append(f'<line x1="{left}" x2="{width - 10}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.2f}</text>')
        v += step
    out.append(f'<line x1="{left}" x2="{width - 10}" y1="{y(1):.1f}" y2="{y(1):.1f}" stroke="#333" stroke-dasharray="4 3"/>')
    for i, cell in enumerate(run.cells):
        x0 = left + i * group + gap / 2
        for j, t in enumerate(others):
            r = ratios[i][j]
            if r is None:
                continue
            out.append(
                f'<rect x="{x0 + j * bar:.1f}" y="{y(r):.1f}" width="{bar - 2}" height="{y(0) - y(r):.1f}" '
                f'fill="{COLOURS[t]}"><title>{html.escape(label(cell))} {t}: {r:.2f}</title></rect>'
            )
        cx = x0 + bar * len(others) / 2
        out.append(
            f'<text transform="translate({cx:.1f},{y(0) + 10:.1f}) rotate(45)" text-anchor="start">{html.escape(label(cell))}</text>'
        )
    for j, t in enumerate(others):
        lx = left + j * 110
        out.append(f'<rect x="{lx}" y="{height - 18}" width="10" height="10" fill="{COLOURS[t]}"/>')
        out.append(f'<text x="{lx + 14}" y="{height - 9}">{t}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def png_chart(run, path):
    """The same chart as a PNG, if matplotlib is installed (Debian: python3-matplotlib); False otherwise."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    others = [t for t in OTHERS if t in run.targets]
    width = 0.8 / len(others)
    fig, ax = plt.subplots(figsize=(max(8, 0.75 * len(run.cells)), 5), dpi=110)
    for j, t in enumerate(others):
        xs = [i + (j - (len(others) - 1) / 2) * width for i in range(len(run.cells))]
        ys = [run.ratio(cell, t) or 0 for cell in run.cells]
        ax.bar(xs, ys, width=width * 0.95, color=COLOURS[t], label=t)
    ax.axhline(1.0, color="#333", linestyle="--", linewidth=1)
    ax.set_xticks(range(len(run.cells)))
    ax.set_xticklabels([label(cell) for cell in run.cells], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("throughput / direct")
    ax.set_title("Throughput relative to direct S3Proxy (median of per-round ratios; 1.0 = direct)", fontsize=10)
    ax.grid(axis="y", color="#ddd")
    ax.set_axisbelow(True)
    ax.legend(fontsize=8, ncol=len(others), loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def main(directory):
    run = Run(directory)
    if not run.rows:
        sys.exit(f"no measurements in {directory}/measurements.csv")
    svg_chart(run, os.path.join(directory, "ratios.svg"))
    if not png_chart(run, os.path.join(directory, "ratios.png")):
        print("matplotlib not installed (apt-get install python3-matplotlib): ratios.svg only", file=sys.stderr)
    m = run.meta
    rounds = len({r["round"] for r in run.rows})
    lines = [
        f"# s3seal benchmark suite, {m.get('started', '?')}",
        "",
        f"Command: `{m.get('command', '?')}` with `{m.get('settings', '')}`; commit {m.get('commit', '?')}.",
        f"{rounds} interleaved round(s): every cell against every target in turn; medians over rounds. "
        "Raw hey outputs in `raw/`, every measurement in `measurements.csv`.",
        "",
        "## 1. Throughput relative to direct (requests/s, higher is better)",
        "",
        "Median over rounds of the ratio target/direct within the same round. Plot: `ratios.png` (and `ratios.svg`).",
        "",
        *ratio_table(run),
        "",
        "## 2. Absolute throughput and latency (medians over rounds)",
        "",
        *absolute_table(run),
        "",
        "## 3. CPU per request (from /proc/<pid>/stat, before and after each cell)",
        "",
        "own = the target's own process (s3seal, the peer's S3Proxy, or for direct the upstream S3Proxy); "
        "server = own + upstream S3Proxy for the s3seal targets; hey = the load generator itself.",
        "",
        *cpu_table(run),
        "",
        "## 4. Upstream requests per client request (s3seal_upstream_requests_seconds_count)",
        "",
        "All cells of an operation and size, all rounds; direct S3 is 1.00 by definition.",
        "",
        *upstream_table(run),
        "",
        "## Memory (at the end of the run)",
        "",
        *memory_tables(run),
        "",
        "## 5. Machine",
        "",
        f"- CPUs: {m.get('nproc', '?')} x {m.get('cpu', '?')}; memory {m.get('memory', '?')}; kernel {m.get('kernel', '?')}",
        f"- {m.get('java', '?')}; S3Proxy {m.get('s3proxy', '?')}; hey {m.get('hey', '?')}",
        f"- load average (1, 5, 15 min) at start {m.get('load_start', '?')}, at end {m.get('load_end', '?')}",
        f"- started {m.get('started', '?')}, finished {m.get('finished', '?')}",
        "- client (hey), s3seal, S3Proxy and moto share these CPUs; all traffic on 127.0.0.1",
        "",
    ]
    with open(os.path.join(directory, "report.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
