#!/bin/sh
# Starts MongoDB (loopback only) and the reddit app in one container, as the original monolith
# image did, and stops both cleanly: tini forwards SIGTERM here, MongoDB is shut down after puma.
set -eu

mongod --fork --quiet --dbpath /data/db --logpath /data/db/mongod.log --bind_ip 127.0.0.1 --port 27017

stop() {
  kill -TERM "$app" 2>/dev/null || true
  wait "$app" || true
  mongod --dbpath /data/db --shutdown >/dev/null || true
  exit 0
}
trap stop TERM INT

bundle exec puma --bind "tcp://0.0.0.0:${PORT}" --environment "${RACK_ENV}" &
app=$!
status=0
wait "$app" || status=$?
mongod --dbpath /data/db --shutdown >/dev/null || true
exit "$status"
