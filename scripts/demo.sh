#!/usr/bin/env bash
# README command one: install dependencies, build in Release, make a sample
# multi-register scenario, link it, and print what each register would
# publish beside reckon's linked and estimated counts, by nationality.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install_deps.sh
cmake --preset release
cmake --build --preset release --parallel "$(nproc)"

reckon=build/release/service/cli/reckon
out=demo
rm -rf "${out}"

echo
echo "== 1. a scenario: 20,000 foreign nationals, 4 registers, medium noise"
"${reckon}" synth --people 20000 --sources 4 --noise medium \
  --heterogeneity mild --seed 42 --out "${out}/data"

echo
echo "== 2. linkage: the same people within and across the registers"
sources=()
for name in migration interior labour statistics; do
  sources+=(--source "${name}=${out}/data/${name}.csv")
done
"${reckon}" link "${sources[@]}" --out "${out}/link"

echo
echo "== 3. how good the linkage is against the scenario's truth"
# Into a file first: under pipefail, head closing the pipe early would
# fail the demo with SIGPIPE.
"${reckon}" audit eval "${out}/link" --truth "${out}/data/truth.csv" \
  > "${out}/eval.txt"
head -n 12 "${out}/eval.txt"

echo
echo "== 4. the estimate that replaces the registers' contradictory counts"
"${reckon}" estimate "${out}/link" --by nationality
python3 - "${out}/data/truth.json" <<'PY'
import json, sys
truth = json.load(open(sys.argv[1]))
print(f"(the scenario's true number of people: {truth['true_n']})")
PY

echo
echo "demo: done; outputs in ${out}/ (audit: reckon audit report ${out}/link --html report.html)"
