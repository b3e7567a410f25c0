#!/usr/bin/env bash
# `npm run test:scale` (issue 16): makes a PostgreSQL primary and a streaming replica on their own ports
# (clusters.sh), runs the two-instance proof (scale.test.ts) against them, and removes both clusters, also on failure.
# SCALE_API=1 also runs the whole API suite with DATABASE_READ_URL on the replica; SCALE_API='test/api/x.test.ts …'
# runs those files only.
set -euo pipefail
cd "$(dirname "$0")/../.."
trap 'bash test/scale/clusters.sh down' EXIT
bash test/scale/clusters.sh up
set -a
# shellcheck disable=SC1091
. "${SCALE_STATE_FILE:-/tmp/shn-scale-clusters.env}"
set +a
npx mocha test/scale/scale.test.ts
if [ -n "${SCALE_API:-}" ]; then
  files=${SCALE_API}
  [ "$files" = 1 ] && files='test/api/**/*.test.ts'
  echo "== API tests with reads from the replica: $files"
  # shellcheck disable=SC2086
  DATABASE_URL=$SCALE_PRIMARY_URL DATABASE_READ_URL=$SCALE_REPLICA_URL npx mocha $files
fi
