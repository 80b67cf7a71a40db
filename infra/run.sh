#!/usr/bin/env bash
# Runs the whole system locally with demo data: PostgreSQL and RabbitMQ (infra/up.sh), the three services and the
# people's web app in front of them, then a year of a demo NGO seeded through the public API, tracked links and real signed
# webhooks of all four providers. Keeps running; Ctrl-C stops
# every service it started.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DONATIONS_ADMIN_KEY:-}" ]; then
  export DONATIONS_ADMIN_KEY=demo-admin-key
  echo "DONATIONS_ADMIN_KEY is not set; using the default '$DONATIONS_ADMIN_KEY' (local use only)."
fi

bash infra/up.sh
echo "Building…"
dotnet build Donations.sln -c Release -nologo -v q >/dev/null

logs=.run/logs
mkdir -p "$logs"
pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping services…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

declare -A ports=([Ingestion]=5101 [Attribution]=5102 [Reporting]=5103 [Web]=5100)
# Key rotations are answered once Attribution and Reporting have applied them.
export Donations__Peers=${Donations__Peers:-http://127.0.0.1:5102,http://127.0.0.1:5103}
# VK's API (a stand-in's address in tests); VK Ads shares VK's API unless told otherwise.
export Vk__ApiBaseUrl=${Vk__ApiBaseUrl:-https://api.vk.com}
export VkAds__ApiBaseUrl=${VkAds__ApiBaseUrl:-$Vk__ApiBaseUrl}
# The web app passes /api on to the three services (its ReverseProxy section; these are its defaults too).
export ReverseProxy__Clusters__ingestion__Destinations__main__Address=http://127.0.0.1:5101
export ReverseProxy__Clusters__attribution__Destinations__main__Address=http://127.0.0.1:5102
export ReverseProxy__Clusters__reporting__Destinations__main__Address=http://127.0.0.1:5103
export Donations__WebAppUrl=${Donations__WebAppUrl:-http://127.0.0.1:5100/}
# The demo seeder sends a year of clicks and webhooks from this one address, its clicks dated in the past by a header only
# this demo honours: the abuse limits are off and back-dated clicks on, for this local demo run only.
export Demo__BackdatedClicks=${Demo__BackdatedClicks:-true}
export RateLimits__RedirectsPerClient=${RateLimits__RedirectsPerClient:-0} RateLimits__RedirectsPerLink=${RateLimits__RedirectsPerLink:-0}
export RateLimits__WebhooksPerProvider=${RateLimits__WebhooksPerProvider:-0}
for service in Ingestion Attribution Reporting Web; do
  dll="services/$service/bin/Release/net10.0/Donations.$service.dll"
  (cd "$(dirname "$dll")" && exec dotnet "$(basename "$dll")" --urls "http://127.0.0.1:${ports[$service]}") >"$logs/$service.log" 2>&1 &
  pids+=($!)
done
for service in Ingestion Attribution Reporting Web; do
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:${ports[$service]}/health/ready" >/dev/null && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:${ports[$service]}/health/ready" >/dev/null || { echo "$service did not become ready; see $logs/$service.log"; exit 1; }
done

# A year of a mid-size NGO through the real path (tests/Donations.LoadTests/DemoSeed.cs); it prints the NGO's id and keys.
dotnet tests/Donations.LoadTests/bin/Release/net10.0/Donations.LoadTests.dll seed

cat <<INFO

Donations is running (logs in $logs).

  >>> For people: http://127.0.0.1:5100/  — sign in with the demo NGO's id and its manager or viewer key printed above <<<

  Ingestion    http://127.0.0.1:5101   API page /api-docs, OpenAPI /openapi/v1.json
  Attribution  http://127.0.0.1:5102   API page /api-docs
  Reporting    http://127.0.0.1:5103   API page /api-docs
  RabbitMQ     http://127.0.0.1:15672  (guest / guest)
Press Ctrl-C to stop.
INFO
wait
