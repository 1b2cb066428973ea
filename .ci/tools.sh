#!/usr/bin/env bash
# Test tooling built from the Go module proxy and PyPI, by exact version, cached under the host
# test's cache dir ($DHT_CACHE, default /var/cache/docker-hosts-test) in tools/<tool>/<version>/,
# so a warm run only checks that the binary is there and reports its version.
#
#   bash .ci/tools.sh [terraform] [fake-gcs-server] [checkov]   build/install what is missing (default: all)
#   source .ci/tools.sh                                          only define the paths below
#
# Each build writes build.log (go's output and /usr/bin/time -v) next to its binary and prints one
# line with its wall time and peak memory. Nothing here is what users install: they get Terraform
# from HashiCorp and the provider from the Terraform registry.
set -euo pipefail

TERRAFORM_VERSION=1.5.7      # the last MPL release; its gcs backend has storage_custom_endpoint
FAKE_GCS_VERSION=1.55.1      # github.com/fsouza/fake-gcs-server, BSD-2
CHECKOV_VERSION=3.3.30       # PyPI

TOOLS=${DHT_CACHE:-/var/cache/docker-hosts-test}/tools
TERRAFORM_BIN=$TOOLS/terraform/$TERRAFORM_VERSION/terraform
FAKE_GCS_BIN=$TOOLS/fake-gcs-server/$FAKE_GCS_VERSION/fake-gcs-server
CHECKOV_BIN=$TOOLS/checkov/$CHECKOV_VERSION/venv/bin/checkov

# go install <module>@<version> into <dir>, static and reproducible; the binary appears only
# when the build succeeded (built in a temporary GOBIN, then moved).
go_build() {
  local module=$1 version=$2 dir=$3 name=$4
  local tmp
  # Go's own installer puts it in /usr/local/go/bin, which a non-login shell may not have on PATH.
  if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then PATH=/usr/local/go/bin:$PATH; fi
  command -v go >/dev/null || { echo "tools: go not found (needed to build $name $version)" >&2; return 1; }
  mkdir -p "$dir"
  tmp=$(mktemp -d "$dir/.build.XXXXXX")
  echo "tools: building $name $version (go install $module@v$version) ..." >&2
  if ! GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOBIN="$tmp" /usr/bin/time -v -o "$dir/build.time" \
    go install -trimpath -ldflags '-s -w' "$module@v$version" >"$dir/build.log" 2>&1; then
    cat "$dir/build.log" >&2
    rm -rf "$tmp"
    echo "tools: FAILED to build $name $version (log above)" >&2
    return 1
  fi
  mv "$tmp/$name" "$dir/$name"
  rm -rf "$tmp"
  cat "$dir/build.time" >>"$dir/build.log"
  echo "tools: built $name $version in $(build_figures "$dir/build.time")" >&2
}

# "<wall> s, peak RSS <n> MB" from a /usr/bin/time -v report.
build_figures() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
    /Maximum resident set size/ { m = $2 }
    END { printf "%.0f s, peak RSS %d MB", s, m / 1024 }' "$1"
}

install_terraform() {
  [ -x "$TERRAFORM_BIN" ] || go_build github.com/hashicorp/terraform "$TERRAFORM_VERSION" "$(dirname "$TERRAFORM_BIN")" terraform
  echo "tools: $(env -u TF_CLI_CONFIG_FILE "$TERRAFORM_BIN" version | head -n1) ($TERRAFORM_BIN)" >&2
}

install_fake_gcs_server() {
  [ -x "$FAKE_GCS_BIN" ] || go_build github.com/fsouza/fake-gcs-server "$FAKE_GCS_VERSION" "$(dirname "$FAKE_GCS_BIN")" fake-gcs-server
  echo "tools: fake-gcs-server $FAKE_GCS_VERSION ($FAKE_GCS_BIN)" >&2
}

install_checkov() {
  local dir
  dir=$(dirname "$(dirname "$(dirname "$CHECKOV_BIN")")")
  if [ ! -x "$CHECKOV_BIN" ]; then
    echo "tools: installing checkov $CHECKOV_VERSION from PyPI ..." >&2
    rm -rf "$dir/venv" && mkdir -p "$dir"
    if ! /usr/bin/time -v -o "$dir/install.time" bash -c \
      "python3 -m venv '$dir/venv' && '$dir/venv/bin/pip' install -q --disable-pip-version-check 'checkov==$CHECKOV_VERSION'" \
      >"$dir/install.log" 2>&1; then
      cat "$dir/install.log" >&2
      rm -rf "$dir/venv"
      echo "tools: FAILED to install checkov $CHECKOV_VERSION (log above)" >&2
      return 1
    fi
    echo "tools: installed checkov $CHECKOV_VERSION in $(build_figures "$dir/install.time")" >&2
  fi
  echo "tools: checkov $("$CHECKOV_BIN" --version) ($CHECKOV_BIN)" >&2
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ "$#" -gt 0 ] || set -- terraform fake-gcs-server checkov
  for tool in "$@"; do
    case $tool in
      terraform) install_terraform ;;
      fake-gcs-server) install_fake_gcs_server ;;
      checkov) install_checkov ;;
      *) echo "tools: unknown tool '$tool' (known: terraform fake-gcs-server checkov)" >&2; exit 2 ;;
    esac
  done
fi
