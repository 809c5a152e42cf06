#!/usr/bin/env bash
# The load gate of a release (README "Load scenarios and CI gates"): runs the load scenarios and,
# when a previous run stored one, compares each figure with the baseline; then, when asked to (the
# main branch), keeps this run's summary as the next baseline, for the CI to store as an artifact.
#
#   ci/load-gate.sh BASELINE_DIR [SCENARIO FILES OR DIRS...]   (default scenarios/load)
#
# BASELINE_DIR/load-summary.json is the baseline when it exists. LOAD_MAX_REGRESSION (default 10%)
# is how much worse a figure may be; LOAD_GATE_STORE=1 copies the run's load-summary.json into
# BASELINE_DIR after a passing run; LOAD_REPORT (default reports/load-gate) is the report folder.
# Exit status: pbxlab run's (0 only when every gate and baseline comparison held).
set -euo pipefail
cd "$(dirname "$0")/.."
baseline_dir=${1:?usage: ci/load-gate.sh BASELINE_DIR [SCENARIOS...]}
shift
report=${LOAD_REPORT:-reports/load-gate}
args=(run --report "$report" "${@:-scenarios/load}")
if [[ -f "$baseline_dir/load-summary.json" ]]; then
  echo "load-gate: comparing with $baseline_dir/load-summary.json (max regression ${LOAD_MAX_REGRESSION:-10%})"
  args+=(--baseline "$baseline_dir/load-summary.json" --max-regression "${LOAD_MAX_REGRESSION:-10%}")
else
  echo "load-gate: no baseline in $baseline_dir: gates only"
fi
node dist/simulator/cli/main.js "${args[@]}"
if [[ "${LOAD_GATE_STORE:-0}" == 1 ]]; then
  mkdir -p "$baseline_dir"
  cp "$report/load-summary.json" "$baseline_dir/load-summary.json"
  echo "load-gate: stored $baseline_dir/load-summary.json as the next baseline"
fi
