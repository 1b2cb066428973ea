# shellcheck shell=bash
# Host test: the fake metadata server and the fake Secret Manager on the bridge gateway (sourced by
# test/hosts/run.sh; uses its RUN, GW, abort, remember_pid). registry.sh starts the metadata server
# with the registry (the credential helper's token; boot-unit.sh's release); the data scenario
# (data.sh) and the whole up (whole-up.sh) start the Secret Manager, the whole up both.
#
# The metadata server answers only requests with Metadata-Flavor: Google: the token (a new random one
# per run, $METADATA_TOKEN), and the release of the boot unit from $RELEASE_FILE while it exists (else
# 404, as for an instance without the key).
#
# The fake Secret Manager answers GET /v1/projects/<p>/secrets/<id>/versions/<v>:access only with
# "Authorization: Bearer $METADATA_TOKEN", from the file $SM_DIR/<p>/<id> (the secret's latest
# version; any version asked gets it). $SM_DIR is outside the run folder, so that the run folder can
# be searched for the values; its log has the client and the secret's path, never a value.
METADATA_PORT=8089
SM_PORT=8090
TOKEN_PATH=/computeMetadata/v1/instance/service-accounts/default/token
RELEASE_PATH=/computeMetadata/v1/instance/attributes/docker-hosts-release
METADATA_TOKEN=""
METADATA_PID=""
RELEASE_FILE=""
SM_PID=""
SM_DIR=""

# wait_listening <port> <what>: until something listens on $GW:<port> (5 s), else abort.
wait_listening() {
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/$GW/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  abort "$2 did not listen on $GW:$1"
}

start_metadata() {
  METADATA_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  RELEASE_FILE="$RUN/release.json"
  TOKEN="$METADATA_TOKEN" python3 -c '
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def answer(self):
        if self.headers.get("Metadata-Flavor") != "Google":
            return 403, b""
        if self.path == sys.argv[2]:
            return 200, json.dumps({"access_token": os.environ["TOKEN"], "expires_in": 3599, "token_type": "Bearer"}).encode()
        if self.path == sys.argv[4] and os.path.exists(sys.argv[5]):
            with open(sys.argv[5], "rb") as f:
                return 200, f.read()
        return 404, b""
    def do_GET(self):
        code, body = self.answer()
        self.send_response(code)
        self.send_header("Metadata-Flavor", "Google")
        self.end_headers()
        self.wfile.write(body)
HTTPServer((sys.argv[1], int(sys.argv[3])), H).serve_forever()
' "$GW" "$TOKEN_PATH" "$METADATA_PORT" "$RELEASE_PATH" "$RELEASE_FILE" >"$RUN/metadata.log" 2>&1 </dev/null &
  METADATA_PID=$!
  remember_pid "$METADATA_PID"
  wait_listening "$METADATA_PORT" "the fake metadata server"
}

# The token URL and the API base the hosts use (docker_host_metadata_token_url, secret_manager_url).
metadata_token_url() { echo "http://$GW:$METADATA_PORT$TOKEN_PATH"; }
secret_manager_url() { echo "http://$GW:$SM_PORT"; }

start_secret_manager() {
  SM_DIR=$(mktemp -d /var/tmp/docker-hosts-secrets.XXXXXX)
  chmod 700 "$SM_DIR"
  TOKEN="$METADATA_TOKEN" python3 -c '
import base64, json, os, re, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        m = re.fullmatch(r"/v1/projects/([a-z0-9-]+)/secrets/([A-Za-z0-9_-]+)/versions/([a-z0-9]+):access", self.path)
        path = os.path.join(sys.argv[3], m.group(1), m.group(2)) if m else ""
        if self.headers.get("Authorization") != "Bearer " + os.environ["TOKEN"]:
            code, body = 403, {"error": {"code": 403, "message": "Permission denied"}}
        elif not m or not os.path.isfile(path):
            code, body = 404, {"error": {"code": 404, "message": "not found"}}
        else:
            data = base64.b64encode(open(path, "rb").read()).decode()
            code, body = 200, {"name": self.path[4:-7], "payload": {"data": data}}
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())
    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.client_address[0], self.requestline.split(" ")[1].split(":")[0]))
HTTPServer((sys.argv[1], int(sys.argv[2])), H).serve_forever()
' "$GW" "$SM_PORT" "$SM_DIR" >"$RUN/secret-manager.log" 2>&1 </dev/null &
  SM_PID=$!
  remember_pid "$SM_PID"
  wait_listening "$SM_PORT" "the fake Secret Manager"
}

# secret_put <project> <id> <value>: stores (or replaces) a secret's latest version.
secret_put() {
  mkdir -p -m 700 "$SM_DIR/$1"
  printf '%s' "$3" >"$SM_DIR/$1/$2"
}

# secret_refused <project> <id>: the HTTP code of an access without the host's token.
secret_refused() {
  curl -s -o /dev/null -w '%{http_code}' "$(secret_manager_url)/v1/projects/$1/secrets/$2/versions/latest:access"
}

stop_metadata() {
  local pid
  for pid in "$METADATA_PID" "$SM_PID"; do
    [ -n "$pid" ] || continue
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  METADATA_PID=""
  SM_PID=""
  [ -n "$SM_DIR" ] && rm -rf "$SM_DIR"
  SM_DIR=""
}
