#!/usr/bin/env bash
# The fault suite (docs/reliability.md): steady signed webhooks and clicks while RabbitMQ is stopped for 30 s,
# PostgreSQL is restarted with an immediate stop, each service is killed with SIGKILL and restarted, webhooks are
# delivered two or three times and out of order, and a poison message is published; after each fault it checks the
# reports against the client's ledger. Three runs: one instance of each service; two of each; two of each on a
# three-node RabbitMQ cluster with quorum queues (infra/rabbitmq-cluster.sh), where the broker fault is a node killed.
# Needs root (it stops the machine's RabbitMQ and restarts its PostgreSQL). Bounded: 20 minutes per run.
#   bash infra/faults.sh [seconds of load per fault, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}

bash infra/up.sh
dotnet build Donations.sln -c Release -nologo -v q
suite() { timeout 20m dotnet run -c Release --no-build --project tests/Donations.LoadTests -- faults "$@"; }

status=0
suite 1 "$seconds" || status=1
suite 2 "$seconds" || status=1
bash infra/rabbitmq-cluster.sh up
DONATIONS_TEST_RABBITMQ_PORT=5681 DONATIONS_TEST_RABBITMQ_MANAGEMENT_PORT=15683 suite 2 "$seconds" cluster || status=1
bash infra/rabbitmq-cluster.sh down
exit "$status"
