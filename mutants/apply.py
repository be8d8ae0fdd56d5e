#!/usr/bin/env python3
"""apply.py FILE TOKEN OCCURRENCE REPLACEMENT: replaces the OCCURRENCE-th
(1-based) match of TOKEN in FILE, in place. A TOKEN that starts or ends with
an identifier character matches only at an identifier's boundary there (c->lr
does not match inside c->lr_t). Prints "LINE: old -> new" (the changed line),
or fails naming what it did not find."""
import re
import sys


def main():
    path, token, occ, repl = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    text = open(path).read()
    pattern = re.escape(token)
    if re.match(r"\w", token):
        pattern = r"(?<!\w)" + pattern
    if re.search(r"\w$", token):
        pattern += r"(?!\w)"
    matches = list(re.finditer(pattern, text))
    if occ < 1 or occ > len(matches):
        sys.exit(f"apply.py: {path}: '{token}' occurs {len(matches)} times, not {occ}")
    m = matches[occ - 1]
    out = text[: m.start()] + repl + text[m.end():]
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    line = text.count("\n", 0, m.start()) + 1
    def code(line):  # the line without its comment, for the table
        return re.sub(r"\s*/\*.*?\*/", "", line).strip()

    old = code(text[start:end])
    new = code(out[start:end + len(repl) - len(token)])
    with open(path, "w") as f:
        f.write(out)
    print(f"{line}: {old} -> {new}")


if __name__ == "__main__":
    main()
