#!/usr/bin/env bash
# check_report.sh REPORT_HTML: opens the report in headless Chromium and fails
# if any image is missing or broken, if it does not open with the run's noise
# verdict and a table of contents, or if a heading has nothing under it. The
# page's own script marks each image that did not load and sets
# <body data-images="ok" | "broken: a.png ..."> and data-empty-headings;
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
# the page's shape: it opens with the run's verdict, has contents, and no
# heading without anything under it (the page's script lists those)
empty=$(grep -o 'data-empty-headings="[^"]*"' <<<"$dom" | head -n 1 | sed 's/data-empty-headings="//; s/"$//')
grep -q "class=\"verdict " <<<"$dom" || { echo "check_report: $page: no verdict on the run's noise" >&2; exit 1; }
grep -q '<nav class="toc">' <<<"$dom" || { echo "check_report: $page: no table of contents" >&2; exit 1; }
if [ "$empty" != "none" ]; then
  echo "check_report: $page: headings with nothing under them: ${empty:-the check did not run}" >&2
  exit 1
fi
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
