#!/bin/sh
# A stand-in for packer, terraform, cdktf and ansible-playbook in the driver's tests. The test copies this file
# under each tool's name into a directory it puts first on PATH. It:
# - records every call except version probes to $FAKE_LOG: one line per call, fields separated by \037:
#   tool, cwd, CHECKPOINT_DISABLE, ANSIBLE_CONFIG, then the arguments;
# - fails when "tool args..." starts with $FAKE_FAIL (25 lines on stderr, one on stdout, then $FAKE_FAIL_OUTPUT on
#   stdout if set, exit $FAKE_EXIT or 3);
# - hangs when "tool args..." starts with $FAKE_HANG (until SIGINT/SIGTERM, which it records, then exits 130);
# - `cdktf deploy|output <env> ... --outputs-file F` writes realistic outputs: $FAKE_HOST_COUNT hosts (default 2)
#   all at 127.0.0.1, app_port $FAKE_APP_PORT (default 9292), ssh_via $FAKE_SSH_VIA (default direct);
#   with FAKE_OUTPUTS=broken, outputs lacking app_urls;
# - `cdktf deploy registry ... --outputs-file F` writes the registry stack's outputs for $FAKE_ENVIRONMENTS
#   (default "stage prod") in $FAKE_REGISTRY_REGION (default europe-west1); FAKE_OUTPUTS=broken as above;
# - `cdktf synth` makes cdktf.out/stacks/<stack>/cdk.tf.json for backend, registry, stage, prod and
#   $FAKE_ENVIRONMENTS (its "edit" is $FAKE_CONFIG_EDIT: a config change);
# - `terraform state pull` prints a state with serial $FAKE_TF_SERIAL (default 1) and lineage l-<stack>;
# - `terraform init|plan|show`: init fails in the stack named $FAKE_TF_NO_BUCKET (its state bucket is missing);
#   `plan -out=F` writes F; `show -json F` prints $FAKE_PLAN_JSON (a plan JSON file; default: a no-op plan);
#   `apply F` fails as a stale plan with FAKE_TF_STALE=1, and with 25 error lines in the stack $FAKE_TF_FAIL_APPLY; `output -json` prints the stack's outputs as Terraform does (cut short, not JSON, with FAKE_OUTPUTS=garbled)
#   (the same values as `cdktf ... --outputs-file` above).
# - `ansible-playbook ... playbooks/status.yml ... -e status_dir=D` copies every *.json of the folder
#   $FAKE_STATUS_FROM (captured reports, test/driver/fleet/fixtures/status) into D, as the status play does, exit 0;
# - `ansible-playbook ... --check ...` prints the file $FAKE_DRIFT_JSON (the json callback's captured output,
#   test/driver/fleet/fixtures/drift) on stdout, exit $FAKE_DRIFT_EXIT (default 0);
#   both record ANSIBLE_STDOUT_CALLBACK and ANSIBLE_SSH_EXTRA_ARGS in $FAKE_LOG.ansible-env (check mode: and the
#   registry vars file given with -e @…registry-vars.json).
# - `docker`: `manifest inspect` fails with "no such manifest" unless $FAKE_TAG_EXISTS; `buildx imagetools inspect`
#   prints a Digest line (sha256:aaaa…); `push R` prints "R: digest: sha256:bbbb… size: 1234"; each call appends
#   "DOCKER_HOST=… ssh=<the ssh first on PATH>" to $FAKE_LOG.docker-env;
# - `ssh`: the host is the HostKeyAlias's name; it fails (exit 255) for the host $FAKE_SSH_DOWN; `cat` of the release
#   records prints $FAKE_RELEASES_DIR/<host>.jsonl; `docker logs` prints "log of <host>" twice.
tool=$(basename "$0")
line="$tool $*"

case "$tool $1" in
  "packer version") echo "Packer v${FAKE_PACKER_VERSION:-1.11.2}"; exit 0 ;;
  "terraform version") echo "Terraform v${FAKE_TERRAFORM_VERSION:-1.9.8}"; echo "on linux_amd64"; exit 0 ;;
  "docker --version") echo "Docker version ${FAKE_DOCKER_VERSION:-26.1.5}, build a"; exit 0 ;;
  "ansible-playbook --version") echo "ansible-playbook [core ${FAKE_ANSIBLE_VERSION:-2.16.3}]"; exit 0 ;;
esac

US=$(printf '\037')
{
  printf '%s' "$tool${US}$(pwd)${US}${CHECKPOINT_DISABLE:-}${US}${ANSIBLE_CONFIG:-}"
  for arg in "$@"; do printf '%s' "${US}$arg"; done
  printf '\n'
} >>"${FAKE_LOG:?FAKE_LOG must be set}"

if [ -n "${FAKE_FAIL:-}" ]; then
  case "$line" in
    "$FAKE_FAIL"*)
      echo "$tool: some progress on stdout"
      i=1
      while [ $i -le 25 ]; do
        echo "$tool error line $i" >&2
        i=$((i + 1))
      done
      [ -n "${FAKE_FAIL_OUTPUT:-}" ] && printf '%s\n' "$FAKE_FAIL_OUTPUT"
      exit "${FAKE_EXIT:-3}"
      ;;
  esac
fi

# Ctrl-C at the terminal while this tool runs: it dies of SIGINT (no trap), as cdktf does.
if [ -n "${FAKE_SIGINT:-}" ]; then
  case "$line" in "$FAKE_SIGINT"*) kill -INT $$ ;; esac
fi

if [ -n "${FAKE_HANG:-}" ]; then
  case "$line" in
    "$FAKE_HANG"*)
      sleep 30 &
      sleeper=$!
      trap 'kill $sleeper; echo "$tool got SIGINT" >>"$FAKE_LOG.signals"; exit 130' INT
      trap 'kill $sleeper; echo "$tool got SIGTERM" >>"$FAKE_LOG.signals"; exit 143' TERM
      # FAKE_DEAF: a tool that ignores SIGINT/SIGTERM (recorded) and keeps hanging: only SIGKILL stops it.
      if [ -n "${FAKE_DEAF:-}" ]; then
        trap 'echo "$tool ignored SIGINT" >>"$FAKE_LOG.signals"' INT
        trap 'echo "$tool ignored SIGTERM" >>"$FAKE_LOG.signals"' TERM
      fi
      echo "$tool: working"
      : >"$FAKE_LOG.hanging"
      while kill -0 $sleeper 2>/dev/null; do wait $sleeper; done
      exit 0
      ;;
  esac
fi

write_outputs() {
  file=$1
  env=$2
  n=${FAKE_HOST_COUNT:-2}
  port=${FAKE_APP_PORT:-9292}
  {
    printf '{\n  "%s": {\n    "hosts": {' "$env"
    i=1
    while [ "$i" -le "$n" ]; do
      name=$(printf 'docker-host-%03d' "$i")
      ssh=deploy@127.0.0.1
      [ "${FAKE_SSH_VIA:-direct}" = iap ] && ssh="$env-$name"
      [ "$i" -gt 1 ] && printf ','
      printf '\n      "%s": {"name": "%s", "zone": "europe-west1-b", "external_ip": "127.0.0.1", "internal_ip": "10.132.0.%d", "instance_id": "70000000000000%03d", "app_url": "http://127.0.0.1:%s", "ssh": "%s", "docker_host": "ssh://%s"}' \
        "$name" "$name" $((i + 1)) "$i" "$port" "$ssh" "$ssh"
      i=$((i + 1))
    done
    printf '\n    },\n    "app_urls": ['
    i=1
    while [ "$i" -le "$n" ]; do
      [ "$i" -gt 1 ] && printf ', '
      printf '"http://127.0.0.1:%s"' "$port"
      i=$((i + 1))
    done
    printf '],\n    "ssh_user": "deploy",\n    "ssh_via": "%s",\n    "project": "test-project-123",\n' "${FAKE_SSH_VIA:-direct}"
    printf '    "app_port": %s,\n    "environment": "%s"\n  }\n}\n' "$port" "$env"
  } >"$file"
}

write_registry_outputs() {
  region=${FAKE_REGISTRY_REGION:-europe-west1}
  url="$region-docker.pkg.dev/test-project-123/docker-hosts"
  urls=""
  hosts=""
  for e in ${FAKE_ENVIRONMENTS:-stage prod}; do
    [ -n "$urls" ] && urls="$urls, " && hosts="$hosts, "
    urls="$urls\"$e\": \"$url\""
    hosts="$hosts\"$e\": \"$region-docker.pkg.dev\""
  done
  printf '{"registry": {"repositories": {"test-project-123": "%s"}, "environment_registries": {%s}, "environment_registry_hosts": {%s}}}\n' \
    "$url" "$urls" "$hosts" >"$1"
}

case "$tool" in
  docker)
    printf 'DOCKER_HOST=%s ssh=%s\n' "${DOCKER_HOST:-}" "$(command -v ssh)" >>"$FAKE_LOG.docker-env"
    case "$1 $2" in
      "manifest inspect")
        [ -n "${FAKE_TAG_EXISTS:-}" ] && { echo '{"schemaVersion": 2}'; exit 0; }
        echo "no such manifest: $3" >&2
        exit 1
        ;;
      "buildx imagetools")
        printf 'Name:      %s\nMediaType: application/vnd.oci.image.index.v1+json\nDigest:    sha256:%s\n' "$4" \
          aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
        ;;
      push*) printf 'The push refers to repository [%s]\n%s: digest: sha256:%s size: 1234\n' "${2%:*}" "$2" \
        bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb ;;
      *) echo "docker: $1 done" ;;
    esac
    ;;
  ssh)
    host=""
    for arg in "$@"; do case "$arg" in HostKeyAlias=*) host=${arg#HostKeyAlias=}; host=${host%-*} ;; esac; done
    if [ -n "${FAKE_SSH_DOWN:-}" ] && [ "$host" = "$FAKE_SSH_DOWN" ]; then
      echo "ssh: connect to host 127.0.0.1 port 22: Connection refused" >&2
      exit 255
    fi
    case "$line" in
      *"cat /var/lib/docker-hosts/releases.jsonl"*) cat "${FAKE_RELEASES_DIR:?}/$host.jsonl" 2>/dev/null ;;
      *"docker logs"*) printf 'log of %s\nlog of %s\n' "$host" "$host" ;;
    esac
    ;;
  terraform)
    stack=$(basename "$(pwd)")
    case "$1" in
      init)
        if [ "$stack" = "${FAKE_TF_NO_BUCKET:-}" ]; then
          echo "Error: Failed to get existing workspaces: querying Cloud Storage failed: storage: bucket doesn't exist" >&2
          exit 1
        fi
        echo "Terraform has been successfully initialized!"
        ;;
      plan)
        for arg in "$@"; do case "$arg" in -out=*) echo "plan of $stack" >"${arg#-out=}" ;; esac; done
        echo "Saved the plan"
        ;;
      apply)
        if [ "$stack" = "${FAKE_TF_FAIL_APPLY:-}" ]; then
          i=1
          while [ "$i" -le 25 ]; do echo "terraform error line $i" >&2; i=$((i + 1)); done
          [ -n "${FAKE_FAIL_OUTPUT:-}" ] && printf '%s\n' "$FAKE_FAIL_OUTPUT"
          exit 3
        fi
        if [ -n "${FAKE_TF_STALE:-}" ]; then
          echo "Error: Saved plan is stale" >&2
          echo "The given plan file can no longer be applied because the state was changed by another operation" >&2
          exit 1
        fi
        echo "Apply complete! Resources: 1 added, 0 changed, 0 destroyed."
        ;;
      state)
        printf '{"version": 4, "serial": %s, "lineage": "l-%s"}\n' "${FAKE_TF_SERIAL:-1}" "$stack"
        ;;
      output)
        tmp=$(mktemp)
        if [ "${FAKE_OUTPUTS:-}" = garbled ]; then printf '{"app_port": {"value": 92\n'; rm -f "$tmp"; exit 0; fi
        if [ "$stack" = backend ]; then echo '{"backend": {}}' >"$tmp"
        elif [ "${FAKE_OUTPUTS:-}" = broken ]; then printf '{"%s": {"hosts": {}}}\n' "$stack" >"$tmp"
        elif [ "$stack" = registry ]; then write_registry_outputs "$tmp"
        else write_outputs "$tmp" "$stack"; fi
        node -e 'const o = JSON.parse(require("fs").readFileSync(0, "utf8")); const v = Object.values(o)[0]; const r = {};
          for (const k of Object.keys(v)) r[k] = { value: v[k], type: "dynamic", sensitive: false };
          process.stdout.write(JSON.stringify(r));' <"$tmp"
        rm -f "$tmp"
        ;;
      show)
        if [ -n "${FAKE_PLAN_JSON:-}" ]; then cat "$FAKE_PLAN_JSON"; else
          printf '{"format_version":"1.2","terraform_version":"1.5.7","resource_changes":[]}\n'
        fi
        ;;
    esac
    ;;
  cdktf)
    if [ "$1" = synth ]; then
      out=cdktf.out
      [ "${2:-}" = --output ] && out=$3
      for s in backend registry stage prod ${FAKE_ENVIRONMENTS:-}; do
        mkdir -p "$out/stacks/$s"
        printf '{"stack": "%s", "edit": "%s"}\n' "$s" "${FAKE_CONFIG_EDIT:-}" >"$out/stacks/$s/cdk.tf.json"
      done
    fi
    outputs=""
    prev=""
    for arg in "$@"; do
      [ "$prev" = "--outputs-file" ] && outputs=$arg
      prev=$arg
    done
    echo "$2  Initializing the backend..."
    echo "$2  Apply complete! Resources: 0 added, 0 changed, 0 destroyed."
    if [ -n "$outputs" ] && [ "${FAKE_OUTPUTS:-}" = broken ]; then
      printf '{"%s": {"hosts": {}}}\n' "$2" >"$outputs"
    elif [ -n "$outputs" ] && [ "$2" = registry ]; then
      write_registry_outputs "$outputs"
    elif [ -n "$outputs" ]; then
      write_outputs "$outputs" "$2"
    fi
    ;;
  packer)
    echo "==> googlecompute.docker-host-base: $1 done"
    ;;
  ansible-playbook)
    inventory=""
    prev=""
    for arg in "$@"; do
      [ "$prev" = "-i" ] && inventory=$arg
      prev=$arg
    done
    if [ ! -f "$inventory" ]; then
      echo "ERROR! the inventory $inventory does not exist" >&2
      exit 1
    fi
    status_dir=""
    check=""
    registry_vars=""
    for arg in "$@"; do
      case "$arg" in
        status_dir=*) status_dir=${arg#status_dir=} ;;
        --check) check=1 ;;
        @*registry-vars.json) registry_vars=${arg#@} ;;
      esac
    done
    if [ -n "$status_dir" ] || [ -n "$check" ]; then
      printf 'callback=%s ssh=%s\n' "${ANSIBLE_STDOUT_CALLBACK:-}" "${ANSIBLE_SSH_EXTRA_ARGS:-}" >>"$FAKE_LOG.ansible-env"
    fi
    if [ -n "$status_dir" ]; then
      mkdir -p "$status_dir"
      for report in "${FAKE_STATUS_FROM:?FAKE_STATUS_FROM must be set}"/*.json; do
        [ -f "$report" ] && cp "$report" "$status_dir/"
      done
      echo "PLAY RECAP" >&2
      exit 0
    fi
    if [ -n "$check" ]; then
      [ -n "$registry_vars" ] && cat "$registry_vars" >>"$FAKE_LOG.ansible-env"
      cat "${FAKE_DRIFT_JSON:?FAKE_DRIFT_JSON must be set}"
      exit "${FAKE_DRIFT_EXIT:-0}"
    fi
    echo "PLAY RECAP *********************************************************************"
    echo "docker-host-001 : ok=12 changed=0 unreachable=0 failed=0"
    ;;
esac
exit 0
