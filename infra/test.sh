#!/usr/bin/env bash
# Runs every test project against the real PostgreSQL and RabbitMQ, starting them first (infra/up.sh).
# Ends with the line "N passed, N failed", the totals over all test projects.
set -euo pipefail
cd "$(dirname "$0")/.."

bash infra/up.sh
apt_updated=0
ensure_package() { # package, command it provides, apt-get options…
  command -v "$2" >/dev/null 2>&1 && return 0
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${@:3}" "$1" >/dev/null
}
# The web app tests drive Debian's Chromium through Playwright; no browser is ever downloaded.
ensure_package chromium chromium
# The monitoring tests run promtool on the alert rules (tests/Donations.UnitTests/Monitoring).
ensure_package prometheus promtool --no-install-recommends
# The proxy tests put Debian's nginx in front of Ingestion; the tests start it themselves (never the system service).
ensure_package nginx nginx --no-install-recommends
dotnet build Donations.sln -c Release -nologo -v q

results=$(mktemp -d)
set +e
dotnet test Donations.sln -c Release --no-build -nologo --logger trx --results-directory "$results"
status=$?
set -e

passed=0 failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
rm -rf "$results"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi # a test host that crashed counts as a failure
echo "$passed passed, $failed failed"
exit "$status"
