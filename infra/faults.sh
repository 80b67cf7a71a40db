#!/usr/bin/env bash
# The fault suite (docs/reliability.md): steady signed webhooks and clicks while RabbitMQ is stopped for 30 s,
# PostgreSQL is restarted with an immediate stop, each service is killed with SIGKILL and restarted, webhooks are
# delivered two or three times and out of order, and a poison message is published; after each fault it checks the
# reports against the client's ledger. Runs once with one instance of each service and once with two.
# Needs root (it stops the machine's RabbitMQ and restarts its PostgreSQL). Bounded: at most 40 minutes.
#   bash infra/faults.sh [seconds of load per fault, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."

bash infra/up.sh
dotnet build Donations.sln -c Release -nologo -v q
status=0
for instances in 1 2; do
  timeout 20m dotnet run -c Release --no-build --project tests/Donations.LoadTests -- faults "$instances" "${1:-20}" || status=1
done
exit "$status"
