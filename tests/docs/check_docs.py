#!/usr/bin/env python3
"""Docs test: re-run every sssim command shown in the docs and compare its output.

Usage: check_docs.py SSSIM SRCDIR [--update] [FILE.md ...]

The convention, in every Markdown file under SRCDIR/docs (or only the FILEs given):

    ```console
    $ sssim run scenarios/node-loss.json
    <the exact standard output of that command>
    ```

A fenced block whose info string is `console` and whose first line is `$ sssim ...` is a
checked block. The rest of its first line is run by /bin/sh from SRCDIR, with `sssim` (at
the start, or after `|`, `;`, `&&`, `||` or `(`) replaced by the SSSIM binary, so pipes such
as `$ sssim run X --quiet --trace - --trace-format csv | grep web-1` work. Only standard
output is compared; standard error is shown when a block differs. The exit status is not
compared (a block may show `sssim check` failing).

The output must match byte for byte (the output's final newline is not shown in the
block). A block whose last line is `...` shows only the head of the output: the lines above
`...` must be the first lines of the output.

Shown outputs must be deterministic: fixed seeds, no wall-clock or thread-count dependent
figures. `sssim bench` measures the machine, so a block running it is an error.

A second kind of checked block quotes part of a scenario file: a ```json block right after
a line `<!-- json: FILE KEY -->` (FILE relative to SRCDIR, KEY a top-level key such as
`expect`) must hold the same JSON value as FILE's KEY (compared as parsed JSON, so the
layout is free).

Console blocks whose first line is not `$ sssim ...` (or that have no `$ ` line) are not
checked. With --update the script rewrites each differing block with the current output
(a `...` block keeps its number of shown lines; a json block gets the file's value) instead
of failing: review the diff before committing it.

Exit status: 0 every block matches, 1 a block differs, 2 bad usage or a malformed block.
"""
import difflib
import json
import os
import re
import shlex
import subprocess
import sys

CONSOLE_OPEN = re.compile(r"^```console\s*$")
JSON_OPEN = re.compile(r"^```json\s*$")
FENCE_CLOSE = re.compile(r"^```\s*$")
JSON_FROM = re.compile(r"^<!--\s*json:\s*(\S+)\s+(\S+)\s*-->\s*$")
SSSIM_WORD = re.compile(r"(^|\|\||&&|[|;(])(\s*)sssim(?=\s|$)")
TIMEOUT = 300


def usage(msg):
    print(f"check_docs: {msg}", file=sys.stderr)
    print("usage: check_docs.py SSSIM SRCDIR [--update] [FILE.md ...]", file=sys.stderr)
    sys.exit(2)


def markdown_files(src, only):
    if only:
        return [os.path.abspath(f) for f in only]
    out = [os.path.join(src, "README.md")]
    for root, dirs, files in os.walk(os.path.join(src, "docs")):
        dirs.sort()
        out.extend(os.path.join(root, f) for f in sorted(files) if f.endswith(".md"))
    return out


class Block:
    """A checked block: its place, what produces its content, and the content shown."""

    def __init__(self, where, first, last, kind, source, shown):
        self.where = where      # "docs/x.md:LINE" of the block's first content line
        self.first = first      # index of the block's first content line
        self.last = last        # index of the closing fence
        self.kind = kind        # "console" or "json"
        self.source = source    # the command, or (file, key)
        self.shown = shown      # content lines shown (without a final `...`)
        self.prefix = False

    def title(self):
        if self.kind == "console":
            return f"$ {self.source}" + ("   (prefix block)" if self.prefix else "")
        return f"json of {self.source[0]} key {self.source[1]}"


def parse(rel, lines, errors):
    blocks = []
    i = 0
    while i < len(lines):
        is_console = CONSOLE_OPEN.match(lines[i])
        is_json = JSON_OPEN.match(lines[i])
        if not is_console and not is_json:
            i += 1
            continue
        start = i
        j = i + 1
        while j < len(lines) and not FENCE_CLOSE.match(lines[j]):
            j += 1
        if j == len(lines):
            errors.append(f"{rel}:{start + 1}: fenced block is not closed")
            break
        body = lines[start + 1:j]
        i = j + 1
        if is_json:
            k = start - 1
            while k >= 0 and not lines[k].strip():
                k -= 1
            m = JSON_FROM.match(lines[k]) if k >= 0 else None
            if m:
                blocks.append(Block(f"{rel}:{start + 2}", start + 1, j, "json",
                                    (m.group(1), m.group(2)), body))
            continue
        if not body or not body[0].startswith("$ "):
            continue
        command = body[0][2:].strip()
        if not re.match(r"sssim(\s|$)", command):
            continue
        if re.match(r"sssim\s+bench(\s|$)", command):
            errors.append(f"{rel}:{start + 2}: `sssim bench` measures the machine; its "
                          "output cannot be a checked block")
            continue
        b = Block(f"{rel}:{start + 2}", start + 2, j, "console", command, body[1:])
        if b.shown and b.shown[-1] == "...":
            b.prefix = True
            b.shown = b.shown[:-1]
        blocks.append(b)
    return blocks


def run_console(binary, src, command):
    """(output lines, stderr, exit status); output None when the command timed out."""
    shell_cmd = SSSIM_WORD.sub(lambda m: m.group(1) + m.group(2) + shlex.quote(binary), command)
    env = dict(os.environ, LC_ALL="C", TZ="UTC")
    env.pop("SSSIM_TEST_MUTATION", None)
    try:
        r = subprocess.run(shell_cmd, shell=True, cwd=src, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {TIMEOUT}s", None
    out = r.stdout.decode("utf-8", errors="replace")
    if out.endswith("\n"):
        out = out[:-1]
    return out.split("\n") if out else [], r.stderr.decode("utf-8", errors="replace"), r.returncode


def json_value(src, source):
    path, key = source
    try:
        with open(os.path.join(src, path), encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        return None, f"cannot read {path}: {e}"
    if not isinstance(doc, dict) or key not in doc:
        return None, f"{path} has no top-level key {key!r}"
    return doc[key], None


def explain(block, actual, stderr, status):
    shown = block.shown
    got = actual[:len(shown)] if block.prefix else actual
    out = [f"DIFFERS {block.where}: {block.title()}"]
    if [l.rstrip() for l in shown] == [l.rstrip() for l in got]:
        out.append("  only trailing whitespace differs (an editor may have trimmed it)")
    diff = difflib.unified_diff(shown, got, "shown in the docs", "output now", lineterm="", n=2)
    out.extend("  " + d for d in diff)
    if block.prefix and len(actual) < len(shown):
        out.append(f"  the output has {len(actual)} line(s), the block shows {len(shown)}")
    if status:
        out.append(f"  exit status {status}")
    if stderr and stderr.strip():
        out.append("  stderr: " + stderr.strip().replace("\n", "\n          "))
    return "\n".join(out)


def check_block(binary, src, b):
    """None if the block matches, else (new content lines, explanation)."""
    if b.kind == "json":
        value, err = json_value(src, b.source)
        if err:
            return None, f"DIFFERS {b.where}: {b.title()}\n  {err}"
        try:
            ok = json.loads("\n".join(b.shown)) == value
        except ValueError:
            ok = False
        if ok:
            return None
        new = json.dumps(value, indent=2, ensure_ascii=False).split("\n")
        return new, explain(b, new, "", 0)
    actual, stderr, status = run_console(binary, src, b.source)
    if actual is None:
        return None, f"DIFFERS {b.where}: {b.title()}\n  {stderr}"
    if (actual[:len(b.shown)] == b.shown) if b.prefix else (actual == b.shown):
        return None
    new = actual[:len(b.shown)] + ["..."] if b.prefix else actual
    return new, explain(b, actual, stderr, status)



def main(argv):
    args = [a for a in argv[1:] if a != "--update"]
    update = len(args) != len(argv) - 1
    if len(args) < 2:
        usage("expected the sssim binary and the source directory")
    binary, src, only = os.path.abspath(args[0]), os.path.abspath(args[1]), args[2:]
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        usage(f"{binary}: not an executable file")
    if not os.path.isdir(os.path.join(src, "docs")):
        usage(f"{src}: no docs directory")

    errors, checked, differ, updated = [], 0, 0, 0
    for path in markdown_files(src, only):
        rel = os.path.relpath(path, src)
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        replacements = []
        for b in parse(rel, lines, errors):
            checked += 1
            result = check_block(binary, src, b)
            if result is None:
                continue
            new, why = result
            if update and new is not None:
                replacements.append((b, new))
                print(f"updated {b.where}: {b.title()}")
            else:
                differ += 1
                print(why)
        if replacements:
            for b, new in reversed(replacements):
                lines[b.first:b.last] = new
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            updated += len(replacements)

    for e in errors:
        print(f"ERROR {e}")
    print(f"check_docs: {checked} block(s) checked, {differ} differ"
          + (f", {updated} updated" if update else "")
          + (f", {len(errors)} malformed" if errors else ""))
    if errors:
        return 2
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
