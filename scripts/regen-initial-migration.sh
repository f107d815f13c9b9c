#!/usr/bin/env bash
# Until the first release, the schema lives in one initial migration, regenerated from the models.
# After a release this script must go: from then on every change gets its own migration.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/matchmaker-regen.lock
flock 9
tmp=$(mktemp -d)
rm -f migrations/versions/*.py
MATCHMAKER_DATABASE_URL="sqlite:///$tmp/regen.db" .venv/bin/flask --app matchmaker db migrate -m "initial schema" >/dev/null
sed -i 's/^import matchmaker.orm.base$/import matchmaker.orm.base  # noqa: F401/' migrations/versions/*.py
rm -rf "$tmp"
ls migrations/versions/
