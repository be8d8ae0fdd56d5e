#!/usr/bin/env bash
# check_report.sh REPORT_HTML: opens the report in headless Chromium and fails
# if any image is missing or broken. The page's own script marks each image
# that did not load and sets <body data-images="ok" | "broken: a.png ...">;
# Chromium dumps the DOM after the load event, and this script reads it.
set -euo pipefail
page=$(readlink -f "$1")
[ -f "$page" ] || { echo "check_report: $1: no such file" >&2; exit 1; }
chrome=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chrome" ] || { echo "check_report: chromium not found (Debian: apt-get install chromium)" >&2; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
dom=$("$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --virtual-time-budget=10000 --dump-dom "file://$page" 2>/dev/null)
imgs=$(grep -o '<img ' <<<"$dom" | wc -l)
state=$(grep -o 'data-images="[^"]*"' <<<"$dom" | head -n 1 | sed 's/data-images="//; s/"$//')
if [ "$state" = "ok" ] && [ "$imgs" -gt 0 ]; then
  echo "check_report: $imgs images, all loaded ($page)"
elif [ -z "$state" ]; then
  echo "check_report: $page: the page's image check did not run" >&2
  exit 1
elif [ "$imgs" -eq 0 ]; then
  echo "check_report: $page: no images at all" >&2
  exit 1
else
  echo "check_report: $page: $state" >&2
  exit 1
fi
