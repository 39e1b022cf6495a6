#!/usr/bin/env bash
# npm run check:monorepo: runs Segment's monorepo tooling (segmentio/action-destinations)
# on the destination folder, as it will be checked once it is
# packages/destination-actions/src/destinations/<slug> there.
#
# The tools, at the monorepo's versions, live in tools/monorepo-check (own package.json
# and package-lock.json, installed with npm ci on first use or when its lock changes).
# Each run lays out a scratch monorepo outside this repository (so nothing of the
# project's own node_modules or configuration can be found from it):
#   <tmp>/package.json, tsconfig.json, tsconfig.eslint.json, .eslintrc.js   (root)
#   <tmp>/packages/destination-actions/{package.json,jest.config.js,tsconfig*.json,test/}
#   <tmp>/packages/destination-actions/src/destinations/<slug>   a copy of the folder
#   <tmp>/packages/destination-actions/src/lib/hashing-utils.{js,d.ts}   Segment's own hashing module
#   <tmp>/node_modules -> tools/monorepo-check/node_modules
# The folder imports processHashing from ../../lib/hashing-utils, as the monorepo's destinations
# do. That import reaches Segment's module itself, as compiled in the published package
# @segment/action-destinations (pinned in this script: version and sha512 integrity): its tarball is
# fetched once with npm pack into tools/monorepo-check/.cache (gitignored), checked against the
# pinned integrity on every run, and only package/dist/lib/hashing-utils.js and .d.ts are taken
# from it (the package is not installed). tsc and eslint read the .d.ts, jest loads the .js.
# Steps, run there: boundaries (no relative import leaves the folder but the one to
# lib/hashing-utils; no process.env outside __tests__), prettier --check, tsc --noEmit, eslint,
# hashing (this project's src/lib/hashing-utils.ts against Segment's module on some 125,000
# cases: the same result, or the same error, for each), jest (the folder's tests, on Segment's
# hashing module).
#
# Options:
#   --only a,b       run only these steps (boundaries, prettier, tsc, eslint, hashing, jest)
#   --skip a,b       skip these steps
#   --folder PATH    the destination folder (default src/destinations/tiktok-offline-conversions)
#   --monorepo-crypto-rule   eslint with the monorepo's createHash rule exactly
#                    (default: stricter, also catches 'node:crypto' and other spellings)
#   --keep           keep the scratch monorepo and print its path
#   --fix            first format the folder in place with the monorepo's prettier (2.4.1, its options),
#                    as its pre-commit hook would (npm run format:monorepo)
#   -h, --help
# Exit status: 0 when every step that ran passed, 1 otherwise, 2 on usage errors.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
tools="$repo/tools/monorepo-check"
folder="src/destinations/tiktok-offline-conversions"
only=""
skip=""
keep=0
fix=0
steps_all="boundaries prettier tsc eslint hashing jest"

# Segment's hashing module: the published package, one version, and the registry's
# dist.integrity for it (npm view @segment/action-destinations@<version> dist.integrity).
segment_package="@segment/action-destinations"
segment_version="3.497.0"
segment_integrity="sha512-b9DztTrR1XrfBu/0UyUgTXNfv7s5gpjBPO/w7C8aW6IHsSMSMte7wNdVHzGsujJ4P43g7cKsWb5zuV2BdVn/UA=="
segment_cache="$tools/.cache"
export MONOREPO_CHECK_CRYPTO_RULE=stricter

usage() {
  sed -n '2,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//'
  echo "Pinned: $segment_package@$segment_version, $segment_integrity"
}
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only=${2:?--only needs a list}; shift 2 ;;
    --skip) skip=${2:?--skip needs a list}; shift 2 ;;
    --folder) folder=${2:?--folder needs a path}; shift 2 ;;
    --monorepo-crypto-rule) MONOREPO_CHECK_CRYPTO_RULE=monorepo; shift ;;
    --keep) keep=1; shift ;;
    --fix) fix=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "check-monorepo: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for s in ${only//,/ } ${skip//,/ }; do
  case " $steps_all " in *" $s "*) ;; *) echo "check-monorepo: unknown step '$s' (steps: $steps_all)" >&2; exit 2 ;; esac
done
case "$folder" in /*) ;; *) folder="$repo/$folder" ;; esac
folder=${folder%/}
[ -d "$folder" ] || { echo "check-monorepo: no folder $folder" >&2; exit 2; }
slug=$(basename "$folder")

wanted() {
  if [ -n "$only" ]; then case ",$only," in *",$1,"*) ;; *) return 1 ;; esac; fi
  case ",$skip," in *",$1,"*) return 1 ;; esac
  return 0
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
declare -a summary=()
failed=0
record() { # step status time
  summary+=("$(printf '  %-11s %-6s %s' "$1" "$2" "$3")")
  [ "$2" = FAIL ] && failed=1; return 0
}

total_start=$(now)

# --- tools: npm ci unless installed from this very lock -------------------------------
t=$(now)
stamp="$tools/node_modules/.monorepo-check-stamp"
want_stamp=$(cat "$tools/package.json" "$tools/package-lock.json" "$tools/.npmrc" | sha256sum | cut -d' ' -f1)-$(node -v)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ]; then
  echo "== tools: installed (tools/monorepo-check/package-lock.json unchanged)"
else
  echo "== tools: npm ci in tools/monorepo-check"
  if (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "$want_stamp" > "$stamp"
  else
    echo "check-monorepo: npm ci in tools/monorepo-check failed" >&2
    exit 1
  fi
fi
record tools ok "$(elapsed "$t")"
bin="$tools/node_modules/.bin"
echo "   typescript $(node -p "require('$tools/node_modules/typescript/package.json').version"), jest $(node -p "require('$tools/node_modules/jest/package.json').version"), ts-jest $(node -p "require('$tools/node_modules/ts-jest/package.json').version"), eslint $(node -p "require('$tools/node_modules/eslint/package.json').version"), prettier $(node -p "require('$tools/node_modules/prettier/package.json').version"), @segment/actions-core $(node -p "require('$tools/node_modules/@segment/actions-core/package.json').version")"

if [ "$fix" = 1 ]; then
  echo "== fix: prettier --write on $folder (the monorepo's prettier and options)"
  mapfile -t fix_files < <(find "$folder" -type f \( -name '*.ts' -o -name '*.json' \) -not -path '*/node_modules/*' | sort)
  "$bin/prettier" --config "$tools/monorepo/package.json" --write --loglevel warn "${fix_files[@]}" || exit 1
fi

# --- the scratch monorepo ---------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/monorepo-check.XXXXXX")
cleanup() { if [ "$keep" = 1 ]; then echo "scratch monorepo kept: $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
cp -R "$tools/monorepo/." "$tmp/"
ln -s "$tools/node_modules" "$tmp/node_modules"
pkg="$tmp/packages/destination-actions"
dest_rel="src/destinations/$slug"
mkdir -p "$pkg/src/destinations"
cp -R "$folder" "$pkg/$dest_rel"
find "$pkg/$dest_rel" -name node_modules -prune -exec rm -rf {} +
echo "== layout: $folder -> packages/destination-actions/$dest_rel"

# --- Segment's hashing module, for the steps that read it -------------------------------
integrity_of() { # file -> sha512-<base64>, as npm writes dist.integrity
  node -e 'const c = require("crypto"), fs = require("fs")
process.stdout.write("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"))' "$1"
}
segment_lib() { # destination directory
  local tgz="$segment_cache/segment-action-destinations-$segment_version.tgz" how="cached" got
  if [ ! -f "$tgz" ] || [ "$(integrity_of "$tgz")" != "$segment_integrity" ]; then
    how="fetched"
    mkdir -p "$segment_cache" || return 1
    rm -f "$tgz"
    # Tarballs of other versions (an earlier pin) are not kept.
    find "$segment_cache" -maxdepth 1 -name 'segment-action-destinations-*.tgz' -delete
    echo "   npm pack $segment_package@$segment_version --pack-destination tools/monorepo-check/.cache"
    if ! (cd "$segment_cache" && npm pack "$segment_package@$segment_version" --pack-destination "$segment_cache" \
      --ignore-scripts --silent --loglevel=error >/dev/null); then
      echo "check-monorepo: npm pack $segment_package@$segment_version failed" >&2; return 1
    fi
    [ -f "$tgz" ] || { echo "check-monorepo: npm pack wrote no $tgz" >&2; return 1; }
    got=$(integrity_of "$tgz")
    if [ "$got" != "$segment_integrity" ]; then
      echo "check-monorepo: $segment_package@$segment_version: integrity $got, pinned $segment_integrity" >&2
      rm -f "$tgz"; return 1
    fi
  fi
  mkdir -p "$1" || return 1
  local f
  for f in hashing-utils.js hashing-utils.d.ts; do
    tar -xzOf "$tgz" "package/dist/lib/$f" > "$1/$f" || { echo "check-monorepo: no package/dist/lib/$f in $tgz" >&2; return 1; }
  done
  echo "== segment-lib: $segment_package@$segment_version ($how; integrity verified): dist/lib/hashing-utils.js + .d.ts -> packages/destination-actions/src/lib/"
}
need_segment_lib=0
for s in tsc eslint hashing jest; do if wanted "$s"; then need_segment_lib=1; fi; done
if [ "$need_segment_lib" = 1 ]; then
  t=$(now)
  if ! segment_lib "$pkg/src/lib"; then
    echo "check-monorepo: Segment's hashing module could not be fetched or verified" >&2
    exit 1
  fi
  record segment-lib ok "$(elapsed "$t")"
fi

run_step() { # name, then the command (run in a subshell)
  local name=$1; shift
  if ! wanted "$name"; then record "$name" skip "-"; return; fi
  echo
  echo "== $name"
  local t status
  t=$(now)
  ( "$@" ); status=$?
  if [ "$status" = 0 ]; then
    record "$name" ok "$(elapsed "$t")"; echo "-- $name: ok ($(elapsed "$t"))"
  else
    record "$name" FAIL "$(elapsed "$t")"; echo "-- $name: FAILED (exit $status, $(elapsed "$t"))"
  fi
}

step_boundaries() {
  node "$tools/boundaries.js" "$pkg/$dest_rel"
}

step_prettier() {
  cd "$tmp" || return 1
  local files=()
  # The monorepo's pre-commit hook (lint-staged) runs prettier --write on every .ts
  # file and every .json, .md and .yml file (metadata.json included).
  mapfile -t files < <(cd "$tmp" && find "packages/destination-actions/$dest_rel" -type f \
    \( -name '*.ts' -o -name '*.json' -o -name '*.md' -o -name '*.yml' \) | sort)
  echo "prettier --check, ${#files[@]} files (.ts, .json, .md, .yml)"
  "$bin/prettier" --check "${files[@]}"
}

step_tsc() {
  cd "$pkg" || return 1
  echo "tsc -p packages/destination-actions/tsconfig.json --noEmit (src and test, tests included)"
  "$bin/tsc" -p tsconfig.json --noEmit --pretty false
}

step_eslint() {
  cd "$tmp" || return 1
  echo "eslint (monorepo .eslintrc.js; createHash rule: $MONOREPO_CHECK_CRYPTO_RULE)"
  "$bin/eslint" --resolve-plugins-relative-to "$tmp" \
    "packages/destination-actions/$dest_rel/**/*.ts"
}

step_hashing() {
  echo "ours: src/lib/hashing-utils.ts (compiled here, no build); Segment's: $segment_package@$segment_version dist/lib/hashing-utils.js"
  node "$tools/hashing-equivalence.js" "$repo/src/lib/hashing-utils.ts" "$pkg/src/lib/hashing-utils.js"
}

step_jest() {
  cd "$pkg" || return 1
  echo "jest (packages/destination-actions config) $dest_rel"
  # The property tests run at full size in the project's own npm test; here they prove they load and hold under jest 27.
  CI=true "$bin/jest" --ci --maxWorkers=2 "$dest_rel"
}

run_step boundaries step_boundaries
run_step prettier step_prettier
run_step tsc step_tsc
run_step eslint step_eslint
run_step hashing step_hashing
run_step jest step_jest

echo
echo "== monorepo check of $slug (total $(elapsed "$total_start"))"
printf '%s\n' "${summary[@]}"
if [ "$failed" = 0 ]; then
  echo "monorepo check: every step that ran passed"
else
  echo "monorepo check: FAILED (see the steps above)"
fi
exit "$failed"
