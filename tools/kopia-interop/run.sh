#!/usr/bin/env bash
# Kopia interoperability, both ways, on one kind of repository:
#   1. Kopia writes a repository; ours lists it, verifies it (reading every pack) and restores
#      the snapshot byte for byte.
#   2. Ours writes a repository; `kopia snapshot verify` (every file read) and `kopia restore`
#      accept it, byte for byte.
#
# Usage: tools/kopia-interop/run.sh fs|s3
#   fs: repositories in local folders.
#   s3: repositories in a bucket: S3_ENDPOINT (host:port, plain HTTP), S3_BUCKET (must exist),
#       AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
# Needs `kopia` on PATH (or KOPIA=...), `jq`, Java 17, and the agent jar built by
# `./mvnw -pl agent -am package -DskipTests` (or AGENT_JAR=...). Runnable by hand wherever kopia is.
set -euo pipefail

kind="${1:?usage: run.sh fs|s3}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
KOPIA="${KOPIA:-kopia}"
AGENT_JAR="${AGENT_JAR:-$root/agent/target/e3-backup-agent.jar}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

export E3_REPO_PASSWORD="interop-password-1"
export KOPIA_PASSWORD="$E3_REPO_PASSWORD"
export KOPIA_CHECK_FOR_UPDATES=false
kconf="$work/kopia.config"

e3() { java -jar "$AGENT_JAR" repo "$@"; }
kopia_() { "$KOPIA" --config-file="$kconf" "$@"; }

step() { printf '\n== %s\n' "$*"; }

# Test data: nested folders, an empty file, a file spanning several 4 MiB chunks, small text files.
data="$work/data"
mkdir -p "$data/docs/deep/er" "$data/empty-dir"
head -c 9000000 /dev/urandom >"$data/big.bin"
: >"$data/empty.txt"
for i in $(seq 1 40); do echo "file $i $(date +%s%N)" >"$data/docs/f$i.txt"; done
head -c 70000 /dev/urandom >"$data/docs/deep/er/mid.bin"

# Where each side's repository lives, as arguments to `e3 repo` and to `kopia repository`.
where_e3() { # name
  if [ "$kind" = fs ]; then echo "--path $work/$1"; else
    echo "--endpoint http://$S3_ENDPOINT --bucket $S3_BUCKET --prefix $1/"; fi
}
kopia_repo() { # create|connect name
  if [ "$kind" = fs ]; then
    kopia_ repository "$1" filesystem --path="$work/$2"
  else
    kopia_ repository "$1" s3 --endpoint="$S3_ENDPOINT" --disable-tls --bucket="$S3_BUCKET" \
      --prefix="$2/" --access-key="$AWS_ACCESS_KEY_ID" --secret-key="$AWS_SECRET_ACCESS_KEY"
  fi
}

step "kopia $("$KOPIA" --version | head -1) writes a repository ($kind)"
kopia_repo create from-kopia
kopia_ snapshot create "$data"
kopia_ repository disconnect

step "ours lists, verifies (every pack read) and restores it"
# shellcheck disable=SC2046
e3 snapshots $(where_e3 from-kopia)
# shellcheck disable=SC2046
e3 verify $(where_e3 from-kopia) --read-data 100
# shellcheck disable=SC2046
id="$(e3 snapshots $(where_e3 from-kopia) --json | jq -r '.[0].id')"
# shellcheck disable=SC2046
e3 restore $(where_e3 from-kopia) "$id" "$work/restored-by-e3"
diff -r "$data" "$work/restored-by-e3"
echo "restored byte for byte"

step "ours writes a repository ($kind)"
# shellcheck disable=SC2046
e3 backup $(where_e3 from-e3) "$data"

step "kopia verifies (every file read) and restores it"
kopia_repo connect from-e3
kopia_ snapshot list --all
kopia_ snapshot verify --verify-files-percent=100
root_obj="$(kopia_ snapshot list --all --json | jq -r '.[0].rootEntry.obj')"
kopia_ restore "$root_obj" "$work/restored-by-kopia"
diff -r "$data" "$work/restored-by-kopia"
kopia_ repository disconnect
echo "kopia restored byte for byte"

step "interop ($kind) passed"
