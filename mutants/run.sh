#!/bin/sh
# mutants/run.sh: the mutation suite (issue 13, "Proof that the vectors catch
# real bugs"). Builds the scalar reference as an outside kernel
# (mutants/scalar_plugin.c) from a copy of impl/scalar/optim.c and
# impl/coeffs.c, first unchanged (it must pass every rule), then once per
# line of mutants/mutants.txt with that one mutation applied (apply.py), and
# runs `optbench verify --kernel ... --rule R --quiet` on it. A mutant is
# caught when verify fails it (status 1); the first failing case and its
# error are recorded. Exit status 0 when the reference passes and every
# mutant is caught, 1 otherwise, 2 for bad usage.
#
#   mutants/run.sh --optbench PATH --golden-dir DIR --cc CC --cflags FLAGS
#                  --lib LIBOPTBENCH.so --work DIR [--markdown FILE] [--only ID]...
#
# tests/mutants.cmake passes the scalar variant's compiler and options (ctest
# -L mutants; `make mutants` adds --markdown build/mutants/table.md).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
optbench= golden= cc= cflags= lib= work= markdown= only=
while [ $# -gt 0 ]; do
  case $1 in
  --optbench) optbench=$2 ;;
  --golden-dir) golden=$2 ;;
  --cc) cc=$2 ;;
  --cflags) cflags=$2 ;;
  --lib) lib=$2 ;;
  --work) work=$2 ;;
  --markdown) markdown=$2 ;;
  --only) only="$only $2 " ;;
  *) echo "mutants/run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  [ $# -ge 2 ] || { echo "mutants/run.sh: $1 needs a value" >&2; exit 2; }
  shift 2
done
for v in optbench golden cc lib work; do
  eval "val=\$$v"
  [ -n "$val" ] || { echo "mutants/run.sh: --$v is required (see the header)" >&2; exit 2; }
done
if [ -n "$markdown" ] && [ -e "$markdown" ] && [ ! -f "$markdown" ]; then
  echo "mutants/run.sh: --markdown $markdown exists and is not a regular file" >&2
  exit 2
fi
mkdir -p "$work" || exit 2

# build ID FILE TOKEN OCCURRENCE REPLACEMENT: the plugin of mutant ID into
# $work/ID/libmutant.so (no FILE: the reference); prints the changed line.
build() {
  dir=$work/$1
  rm -rf "$dir" && mkdir -p "$dir/scalar" || return 1
  cp "$src/impl/scalar/optim.c" "$dir/scalar/optim.c" && cp "$src/impl/coeffs.c" "$dir/coeffs.c" ||
    return 1
  if [ -n "$2" ]; then
    python3 "$here/apply.py" "$dir/$2" "$3" "$4" "$5" || return 1
  fi
  # a mutation may leave a variable unused: a warning, not the build's end
  # shellcheck disable=SC2086 # cflags is a list of flags
  "$cc" -I"$dir/scalar" -I"$dir" $cflags -Wno-error -DOB_ISA=scalar -fPIC -shared \
    "$here/scalar_plugin.c" -o "$dir/libmutant.so" "$lib" -lm \
    -Wl,-rpath,"$(dirname "$lib")" 2>"$dir/build.log" || {
    echo "mutants/run.sh: $1 does not compile:" >&2
    cat "$dir/build.log" >&2
    return 1
  }
}

# verify ID RULE: runs the kernel; sets status, first and worst (the report
# lines of the first failing case and of the worst failure).
verify() {
  out=$("$optbench" verify --golden-dir "$golden" --quiet --kernel "$work/$1/libmutant.so" \
    --rule "$2" 2>&1)
  status=$?
  printf '%s\n' "$out" >"$work/$1/verify-$2.log"
  # --quiet prints the worst failure, then the first one if it is another
  worst=$(printf '%s\n' "$out" | awk '/^  worst of / {getline; print; exit}' | sed 's/^ *//')
  first=$(printf '%s\n' "$out" | awk '/^  first:$/ {getline; print; exit}' | sed 's/^ *//')
  [ -n "$first" ] || first=$worst
}

# case_of LINE, error_of LINE: the case (and step) and the error of a report.
case_of() {
  printf '%s\n' "$1" | sed -n "s/^[^ ]*: case '\([^']*\)'\( step [0-9]*\)\{0,1\}[^(]*(\([a-z]* state\)\{0,1\}.*/\1\2/p"
}
error_of() {
  what=$(printf '%s\n' "$1" | sed 's/^.*, offset [0-9]*): //')
  err=$(printf '%s\n' "$what" | sed -n 's/^out \([a-z]*\[[0-9]*\]\).*err \([0-9.a-z]*\) scale-ULPs > allowed \([0-9.]*\).*/\1: \2 scale-ULPs (bound \3)/p')
  if [ -n "$err" ]; then # 4 digits: a bug's error runs to 1e42
    printf '%s\n' "$err" | awk '$2 != "inf" { $2 = sprintf("%.4g", $2) } { print }'
  else
    printf '%s\n' "$what" | cut -c1-110
  fi
}

fail=0
echo "reference: the unmutated scalar kernel, every rule"
build reference "" || exit 1
rules=$(sh "$here/rules.sh" "$optbench") && [ -n "$rules" ] || {
  echo "mutants/run.sh: $optbench info --json lists no rules" >&2
  exit 1
}
nrules=0
for rule in $rules; do
  verify reference "$rule"
  nrules=$((nrules + 1))
  if [ "$status" != 0 ]; then
    echo "  FAIL: the reference fails $rule (status $status): $first" >&2
    fail=1
  fi
done
[ $fail = 0 ] && echo "  passes all $nrules"

rows=$work/rows.txt
: >"$rows"
caught=0 total=0
printf '%-22s %-13s %-8s %-32s %s\n' mutant rule result "first case that caught it" error
# mutants.txt: id | file | token | occurrence | replacement | rule | models
while IFS='|' read -r id file token occ repl rule models; do
  id=$(echo "$id" | tr -d ' ')
  case $id in '' | \#*) continue ;; esac
  if [ -n "$only" ]; then
    case $only in *" $id "*) ;; *) continue ;; esac
  fi
  trim() { printf '%s' "$1" | sed 's/^ *//; s/ *$//'; }
  file=$(trim "$file") token=$(trim "$token") occ=$(trim "$occ") repl=$(trim "$repl")
  rule=$(trim "$rule") models=$(trim "$models")
  total=$((total + 1))
  if ! change=$(build "$id" "$file" "$token" "$occ" "$repl"); then
    echo "$id: cannot build the mutant" >&2
    fail=1
    continue
  fi
  verify "$id" "$rule"
  case $status in
  1) result=caught caught=$((caught + 1)) ;;
  0) result=SURVIVED fail=1 ;;
  *) result="ERROR($status)" fail=1 ;;
  esac
  c=$(case_of "$first") e=$(error_of "$first") wc=$(case_of "$worst") we=$(error_of "$worst")
  [ $status = 0 ] && c="-" e="no case fails it: a hole in the vectors" wc="-" we="-"
  printf '%-22s %-13s %-8s %-32s %s\n' "$id" "$rule" "$result" "$c" "$e"
  [ $status = 0 ] || [ $status = 1 ] || printf '  %s\n' "$first" "$(tail -3 "$work/$id/verify-$rule.log")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$file:${change%%:*}" "${change#*: }" \
    "$models" "$rule" "$result" "$c" "$e" "$wc" "$we" >>"$rows"
done <"$here/mutants.txt"
echo "$caught of $total mutants caught"
[ "$caught" = "$total" ] || fail=1

if [ -n "$markdown" ]; then
  tmp=$markdown.tmp.$$
  {
    echo "| mutant | change (impl/) | the bug it models | rule | first case that caught it | its error | worst failure |"
    echo "|---|---|---|---|---|---|---|"
    awk -F'\t' '{ gsub(/\|/, "\\|"); printf "| `%s` | %s: `%s` | %s | %s | `%s` | %s | `%s`: %s |\n", $1, $2, $3, $4, $5, $7, $8, $9, $10 }' "$rows"
    echo
    echo "$caught of $total mutants caught; \`mutants/run.sh\` (\`make mutants\`), $(date -u +%Y-%m-%d)."
  } >"$tmp" && mv "$tmp" "$markdown"
  echo "table: $markdown"
fi
exit $fail
