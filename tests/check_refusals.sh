#!/bin/sh
# check_refusals: a program refuses an unknown option, an option without its
# value and (unless NUMOPT is -) a malformed number, each with exit status 2
# and a message on stderr that names the program and what was wrong.
# usage: check_refusals.sh PROGRAM NAME NUMOPT [WORDS...]
#   NAME     how the program names itself in its messages
#   NUMOPT   one of its numeric options, or - if it has none
#   WORDS    what goes before the options (a command, an experiment)
set -u
prog=$1 name=$2 numopt=$3
shift 3
err=$(mktemp)
trap 'rm -f "$err"' EXIT
fail=0
# expect WANT ARGS...: exit 2, and stderr has "NAME: " and WANT
expect() {
  want=$1
  shift
  "$prog" "$@" >/dev/null 2>"$err"
  s=$?
  if [ $s -ne 2 ]; then
    echo "check_refusals: $name $*: exit $s, want 2" >&2
    fail=1
  elif ! grep -qF -- "$name: " "$err" || ! grep -qF -- "$want" "$err"; then
    echo "check_refusals: $name $*: the message does not say '$name: ... $want':" >&2
    cat "$err" >&2
    fail=1
  fi
}
expect "'--no-such-option'" "$@" --no-such-option
expect "--no-such-option" "$@" --no-such-option=1
if [ "$numopt" != - ]; then
  expect "needs a value" "$@" "$numopt"
  expect "'12x'" "$@" "$numopt" 12x
  expect "'-1'" "$@" "$numopt=-1"
  expect "too large for 64 bits" "$@" "$numopt" 99999999999999999999999
fi
[ $fail -eq 0 ] && echo "check_refusals: $name: ok"
exit $fail
