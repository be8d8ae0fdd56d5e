#!/bin/sh
# plugin_expect.sh STATUS REGEX COMMAND...: runs COMMAND, passes if it exits
# with STATUS and its output (stdout and stderr) matches every line of REGEX
# (an extended regular expression per line).
want=$1 patterns=$2
shift 2
out=$("$@" 2>&1)
got=$?
echo "$out"
if [ "$got" != "$want" ]; then
  echo "plugin_expect: exit status $got, expected $want: $*" >&2
  exit 1
fi
echo "$patterns" | while IFS= read -r re; do
  [ -z "$re" ] && continue
  if ! printf '%s\n' "$out" | grep -Eq -- "$re"; then
    echo "plugin_expect: no line matches '$re'" >&2
    exit 1
  fi
done
