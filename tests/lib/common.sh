# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Paths and small helpers shared by every suite.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TESTS=$TOP/tests
# Everything downloaded or built for the tests lives here, outside the clone,
# so a second run (or a fresh clone on the same machine) reuses it.
CACHE=${VSCMI_CACHE:-/var/cache/virtio-scmi}
# Per-run logs: console and platform log per test.
RESULTS=${VSCMI_RESULTS:-$TOP/results}
export TOP TESTS CACHE RESULTS

mkdir -p "$CACHE" "$RESULTS"

log() { echo "# $*" >&2; }
die() { echo "error: $*" >&2; exit 2; }
