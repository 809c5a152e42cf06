#!/usr/bin/env bash
# One command for a fresh machine: the real peers from Debian, the npm packages, a build, and the
# main job (npm start). Needs root or sudo for the Debian packages.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-peers.sh
npm ci
npm start
