#!/bin/sh
# mutants/rules.sh OPTBENCH: the names of the library's update rules, one
# per line, in the list's order (`optbench info --json`: the one list, not a
# copy of it).
"$1" info --json | python3 -c 'import json, sys
for r in json.load(sys.stdin)["rules"]:
    print(r["name"])'
