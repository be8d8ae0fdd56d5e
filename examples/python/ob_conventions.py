"""Which form a rule of optbench's list follows: "book" (the textbook's) or
"torch" (torch.optim's documented algorithm), the list's `convention` column
(impl/include/optbench_algos.def). Standard library only.

`optbench info --json` is the source: a rule's "convention" where the
document has it. A document without the key (optbench 0.3.0's does not
print it yet) is answered from the list file of this repository, the same
column the library's ob_algo_convention() reads, so that no script keeps its
own copy of which rules are torch's.
"""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIST = os.path.join(ROOT, "impl", "include", "optbench_algos.def")
# a row: OB_ALGO(ID, name, ..., BOOK|TORCH) with the convention last, alone on its line
_ROW = re.compile(r"^OB_ALGO\(\w+, (\w+),.*?^\s*(BOOK|TORCH)\)", re.S | re.M)


class ConventionError(Exception):
    pass


def _from_list():
    try:
        with open(LIST, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise ConventionError(f"{LIST}: cannot read: {e.strerror}") from None
    return {name: conv.lower() for name, conv in _ROW.findall(text)}


def conventions(info):
    """{rule name: "book" or "torch"} for every rule of the info document."""
    names = [r["name"] for r in info["rules"]]
    if all("convention" in r for r in info["rules"]):
        return {r["name"]: r["convention"] for r in info["rules"]}
    listed = _from_list()
    missing = [n for n in names if n not in listed]
    if missing:
        raise ConventionError(f"{LIST}: no row with a BOOK or TORCH convention for "
                              f"{', '.join(missing)} (the library's rules)")
    return {n: listed[n] for n in names}


def rules_of(info, convention):
    """The names of the rules of one convention, in the list's order."""
    conv = conventions(info)
    return [r["name"] for r in info["rules"] if conv[r["name"]] == convention]
