#!/usr/bin/env bash
# Test tooling built from the Go module proxy and PyPI, by exact version, cached under the host
# test's cache dir ($DHT_CACHE, default /var/cache/docker-hosts-test) in tools/<tool>/<version>/,
# so a warm run only checks that the binary is there and reports its version.
#
#   bash .ci/tools.sh [terraform] [fake-gcs-server] [checkov] [google-provider] [packer]
#                                                                build/install what is missing (default: all)
#   source .ci/tools.sh                                          only define the paths below
#
# Each build writes build.log (go's output and /usr/bin/time -v) next to its binary and prints one
# line with its wall time and peak memory. Nothing here is what users install: they get Terraform
# from HashiCorp and the provider from the Terraform registry.
set -euo pipefail

TERRAFORM_VERSION=1.5.7      # the last MPL release; its gcs backend has storage_custom_endpoint
FAKE_GCS_VERSION=1.55.1      # github.com/fsouza/fake-gcs-server, BSD-2
CHECKOV_VERSION=3.3.30       # PyPI
GOOGLE_PROVIDER_VERSION=6.50.0   # hashicorp/google, the version @cdktf/provider-google 16.x was generated from
PACKER_VERSION=1.9.5             # the last MPL release, with the googlecompute 1.2.7 and ansible 1.1.6 plugins

# What no registry here serves comes from ../shared/tools (built from public MPL-2.0 sources by the
# scripts beside them; see the README's Terraform section), checked against these sha256s.
SHARED_TOOLS=${DHT_SHARED_TOOLS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/shared/tools}
GOOGLE_PROVIDER_XZ=terraform-provider-google_${GOOGLE_PROVIDER_VERSION}_linux_amd64.xz
GOOGLE_PROVIDER_XZ_SHA256=491f4e8158a84458967cfae83ddcaefd0394a4fdcf967759a98de5da5f2f9f87
GOOGLE_PROVIDER_SHA256=61094716d04ecd32d05bccfddf906b0b22e10660c04d5b8d06f3c1ddd48d338b
PACKER_TXZ=packer-${PACKER_VERSION}_googlecompute-1.2.7_ansible-1.1.6_linux_amd64.tar.xz
PACKER_TXZ_SHA256=4cd926eecfcaf58f06bc65dc075d27a1d230309464a012709950fbd0cdef87cc

TOOLS=${DHT_CACHE:-/var/cache/docker-hosts-test}/tools
TERRAFORM_BIN=$TOOLS/terraform/$TERRAFORM_VERSION/terraform
FAKE_GCS_BIN=$TOOLS/fake-gcs-server/$FAKE_GCS_VERSION/fake-gcs-server
CHECKOV_BIN=$TOOLS/checkov/$CHECKOV_VERSION/venv/bin/checkov
# A filesystem mirror holding only the provider, and the CLI config that makes it Terraform's only
# source (no `direct`: no registry is ever asked).
GOOGLE_PROVIDER_DIR=$TOOLS/google-provider/$GOOGLE_PROVIDER_VERSION
PROVIDER_MIRROR=$GOOGLE_PROVIDER_DIR/mirror
GOOGLE_PROVIDER_BIN=$PROVIDER_MIRROR/registry.terraform.io/hashicorp/google/$GOOGLE_PROVIDER_VERSION/linux_amd64/terraform-provider-google_v${GOOGLE_PROVIDER_VERSION}_x5
TF_MIRROR_CONFIG=$GOOGLE_PROVIDER_DIR/terraform.rc
PACKER_BIN=$TOOLS/packer/$PACKER_VERSION/packer-$PACKER_VERSION/packer
PACKER_PLUGINS=$TOOLS/packer/$PACKER_VERSION/packer-$PACKER_VERSION/plugins

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

# The path of a file of ../shared/tools whose sha256 is $2, or a failure that says what is wrong.
shared_file() {
  local file=$SHARED_TOOLS/$1 want=$2 got
  if [ ! -f "$file" ]; then
    echo "tools: $file is missing: it comes with the project's shared/ folder beside the clone" \
      "(or set DHT_SHARED_TOOLS); to make it again, see $1's build script and README in shared/tools" >&2
    return 1
  fi
  got=$(sha256sum "$file" | cut -d' ' -f1)
  if [ "$got" != "$want" ]; then
    echo "tools: $file has sha256 $got, expected $want: refusing to install it" >&2
    return 1
  fi
  printf '%s\n' "$file"
}

install_google_provider() {
  if [ ! -x "$GOOGLE_PROVIDER_BIN" ]; then
    local src tmp
    src=$(shared_file "$GOOGLE_PROVIDER_XZ" "$GOOGLE_PROVIDER_XZ_SHA256")
    mkdir -p "$(dirname "$GOOGLE_PROVIDER_BIN")"
    tmp=$(mktemp "$(dirname "$GOOGLE_PROVIDER_BIN")/.unpack.XXXXXX")
    xz -dc "$src" >"$tmp"
    if [ "$(sha256sum "$tmp" | cut -d' ' -f1)" != "$GOOGLE_PROVIDER_SHA256" ]; then
      rm -f "$tmp"
      echo "tools: the provider unpacked from $src does not have sha256 $GOOGLE_PROVIDER_SHA256" >&2
      return 1
    fi
    chmod 0755 "$tmp" && mv "$tmp" "$GOOGLE_PROVIDER_BIN"
    echo "tools: installed hashicorp/google $GOOGLE_PROVIDER_VERSION from $src" >&2
  fi
  printf 'provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n    include = ["registry.terraform.io/hashicorp/google"]\n  }\n}\n' \
    "$PROVIDER_MIRROR" >"$TF_MIRROR_CONFIG"
  echo "tools: hashicorp/google $GOOGLE_PROVIDER_VERSION ($GOOGLE_PROVIDER_BIN; CLI config $TF_MIRROR_CONFIG)" >&2
}

install_packer() {
  local dir=$TOOLS/packer/$PACKER_VERSION
  if [ ! -x "$PACKER_BIN" ]; then
    local src tmp
    src=$(shared_file "$PACKER_TXZ" "$PACKER_TXZ_SHA256")
    mkdir -p "$dir"
    tmp=$(mktemp -d "$dir/.unpack.XXXXXX")
    tar -C "$tmp" -xJf "$src"
    rm -rf "$dir/packer-$PACKER_VERSION" && mv "$tmp/packer-$PACKER_VERSION" "$dir/" && rm -rf "$tmp"
    echo "tools: installed packer $PACKER_VERSION and its plugins from $src" >&2
  fi
  echo "tools: $("$PACKER_BIN" version | head -n1) ($PACKER_BIN; PACKER_PLUGIN_PATH=$PACKER_PLUGINS)" >&2
}

# install_tools [TOOL...]: install each named tool (all of them when none is named) and export the
# paths above for the test that runs next.
install_tools() {
  [ "$#" -gt 0 ] || set -- terraform fake-gcs-server checkov google-provider packer
  local tool
  for tool in "$@"; do
    case $tool in
      terraform) install_terraform ;;
      fake-gcs-server) install_fake_gcs_server ;;
      checkov) install_checkov ;;
      google-provider) install_google_provider ;;
      packer) install_packer ;;
      *) echo "tools: unknown tool '$tool' (known: terraform fake-gcs-server checkov google-provider packer)" >&2; exit 2 ;;
    esac
  done
  export TERRAFORM_BIN FAKE_GCS_BIN CHECKOV_BIN TF_MIRROR_CONFIG PACKER_BIN PACKER_PLUGINS
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  install_tools "$@"
fi
