#!/bin/sh
# Starts the reddit app, and MongoDB in the same container only when DATABASE_URL points at the
# container itself (127.0.0.1 or localhost: a `docker run -p 9292:9292 reddit` on its own, as the
# original monolith image ran). Deployed by this project, DATABASE_URL names the `mongo` accessory
# (config/environments.ts) and no mongod runs here: the data lives on the accessory's data disk.
# Stops cleanly: tini forwards SIGTERM here, a local MongoDB is shut down after puma.
set -eu

case "${DATABASE_URL:-127.0.0.1}" in
  127.0.0.1 | 127.0.0.1:* | localhost | localhost:*) local_db=1 ;;
  *) local_db=0 ;;
esac

stop_db() {
  if [ "$local_db" = 1 ]; then mongod --dbpath /data/db --shutdown >/dev/null || true; fi
}

if [ "$local_db" = 1 ]; then
  mongod --fork --quiet --dbpath /data/db --logpath /data/db/mongod.log --bind_ip 127.0.0.1 --port 27017
fi

stop() {
  kill -TERM "$app" 2>/dev/null || true
  wait "$app" || true
  stop_db
  exit 0
}
trap stop TERM INT

bundle exec puma --bind "tcp://0.0.0.0:${PORT}" --environment "${RACK_ENV}" &
app=$!
status=0
wait "$app" || status=$?
stop_db
exit "$status"
