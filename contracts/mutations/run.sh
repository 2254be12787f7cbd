#!/usr/bin/env bash
# Mutation check: applies each contracts/mutations/*.patch to a temporary copy of contracts/ (never the work tree),
# runs the challenger tests and the invariant suite there, and expects every patch to make them fail.
# One line per patch; exit 1 when the unpatched copy fails or any patch is missed (or does not apply).
# FORGE_ARGS adds forge arguments (e.g. --skip globs while other test files do not compile).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/gridproof-mutations.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -R "$root/contracts" "$tmp/contracts"
cp "$root/foundry.toml" "$tmp/"
ln -s "$root/node_modules" "$tmp/node_modules"
mkdir -p "$tmp/protocol" && cp -R "$root/protocol/test-vectors" "$tmp/protocol/"
ln -s "$root/functions-source" "$tmp/functions-source"
paths='contracts/test/{WindowChallenger.t.sol,invariant/*.sol}'

run_suite() {
  (cd "$tmp" && contracts/bin/forge test --match-path "$paths" ${FORGE_ARGS:-} >"$tmp/last.log" 2>&1)
}

if ! run_suite; then
  echo "unpatched: FAILED (fix the suite first; log below)"
  tail -40 "$tmp/last.log"
  exit 1
fi
echo "unpatched: pass"

missed=0
for p in "$root"/contracts/mutations/*.patch; do
  name=$(basename "$p" .patch)
  if ! (cd "$tmp" && patch -p1 --quiet <"$p"); then
    echo "$name: DID NOT APPLY"
    missed=1
    continue
  fi
  if run_suite; then
    echo "$name: MISSED (suite passed)"
    missed=1
  else
    # The names under forge's "Failing tests:" summary (an invariant's name follows its call sequence there).
    failing=$(sed -n '/^Failing tests:/,$p' "$tmp/last.log" | grep -oE '\b(test|invariant)[A-Za-z0-9_]*\(' | tr -d '(' \
      | sort -u | head -3 | tr '\n' ' ')
    echo "$name: caught (${failing:-compile error})"
  fi
  (cd "$tmp" && patch -p1 -R --quiet <"$p")
done
exit $missed
