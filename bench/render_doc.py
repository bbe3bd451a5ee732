#!/usr/bin/env python3
"""Fills bench/BENCHMARKS.md.in with one run's results: docs/BENCHMARKS.md.

  render_doc.py TEMPLATE RESULTS_DIR OUTPUT

RESULTS_DIR (written by bench/run_all.sh) holds, per benchmark NAME:
NAME.out (its stdout), NAME.cmd (the command, one line), NAME.status
("EXIT_CODE SECONDS"); and meta.json (machine, kernel, date, ...).

A benchmark's stdout is cut into blocks: a line "@@ BLOCK" starts one, the
next such line or the end closes it. In the template:

  {{BLOCK}}        that block, e.g. {{bpf_cost.base}}
  {{cmd:NAME}}     the command that ran NAME
  {{meta:KEY}}     a value of meta.json
  {{targets}}      every "targets" block's rows, in one table
  {{runs}}         what ran: command, time, exit code

A block a failed or skipped benchmark did not print becomes a note saying
so, never a stale number.
"""
import json
import os
import re
import sys


def blocks_of(text):
    out, name, lines = [], None, []
    for line in text.splitlines():
        m = re.fullmatch(r"@@ (\S+)\s*", line)
        if m:
            if name:
                out.append((name, lines))
            name, lines = m.group(1), []
        elif name:
            lines.append(line)
    if name:
        out.append((name, lines))
    return [(n, "\n".join(ls).strip("\n")) for n, ls in out]


def main():
    template_path, results, output = sys.argv[1:4]
    with open(template_path, encoding="utf-8") as f:
        template = f.read()
    with open(os.path.join(results, "meta.json"), encoding="utf-8") as f:
        meta = json.load(f)

    names = sorted(f[:-4] for f in os.listdir(results) if f.endswith(".cmd"))
    blocks, targets, cmds, runs, owner = {}, [], {}, [], {}
    for n in names:
        with open(os.path.join(results, n + ".cmd"), encoding="utf-8") as f:
            cmds[n] = f.read().strip()
        status = "not run"
        try:
            with open(os.path.join(results, n + ".status"), encoding="utf-8") as f:
                rc, secs = f.read().split()
            status = ("ok" if rc == "0" else f"failed (exit {rc})") + f", {float(secs):.0f} s"
        except (OSError, ValueError):
            pass
        runs.append(f"| `{cmds[n]}` | {status} |")
        try:
            with open(os.path.join(results, n + ".out"), encoding="utf-8") as f:
                text = f.read()
        except OSError:
            text = ""
        for b, body in blocks_of(text):
            if b == "targets":
                targets += [line for line in body.splitlines() if line.startswith("|")]
            else:
                blocks[b] = body
                owner[b] = n

    def missing(b):
        ran = [n for n in names if b.split(".")[0].startswith(n) or n.startswith(b.split(".")[0])]
        if ran:
            return (f"*Not measured in this run: `{cmds[ran[0]]}` printed no `{b}` table "
                    f"(see {ran[0]}.err among the results).*")
        return f"*Not measured in this run (no `{b}` table; see \"This run\" below).*"

    def fill(m):
        key = m.group(1)
        if key.startswith("cmd:"):
            return cmds.get(key[4:], f"(no command for {key[4:]})")
        if key.startswith("meta:"):
            return str(meta.get(key[5:], "?"))
        if key == "targets":
            return "\n".join(["| target | measured | met |", "|---|---:|---|"] + targets)
        if key == "runs":
            return "\n".join(["| command | result |", "|---|---|"] + runs)
        return blocks.get(key) or missing(key)

    doc = re.sub(r"\{\{([A-Za-z0-9_.:]+)\}\}", fill, template)
    with open(output + ".tmp", "w", encoding="utf-8") as f:
        f.write(doc)
    os.replace(output + ".tmp", output)
    unused = sorted(set(blocks) - set(re.findall(r"\{\{([A-Za-z0-9_.]+)\}\}", template)))
    if unused:
        print("render_doc: blocks not in the template: " + ", ".join(unused), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
