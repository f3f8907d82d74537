#!/usr/bin/env bash
# The heap that reading a large CSV data file takes (docs/performance.md, "Reading data").
#   bench/data-footprint.sh [ROWS] [XMX]
# writes ROWS rows of x[0],x[1] (default 10^7 rows: 2 x 10^7 values, about 190 MB) to a temporary
# file once, reads it as `vmodel fit --data` does under -Xmx XMX (default 184m), and prints the
# heap retained per value and the time taken. Needs `mvn -q -DskipTests package` first (which
# also compiles the cli's test classes, where the measuring main class lives).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows="${1:-10000000}"
xmx="${2:-184m}"
file="${TMPDIR:-/tmp}/vmodel-footprint-$rows.csv"
exec java "-Xmx$xmx" -cp "$here/cli/target/classes:$here/cli/target/test-classes:$here/cli/target/lib/*" \
  dev.vmodel.cli.data.DataFootprint "$file" "$rows"
