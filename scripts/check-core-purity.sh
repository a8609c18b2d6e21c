#!/usr/bin/env bash
# coalsim-core stays pure: no web server, async runtime, plotting, image,
# font, terminal or signal crate anywhere in its (normal) dependency tree.
# Run by .ci/run; see docs/architecture.md.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(axum|axum-core|hyper|hyper-util|tower|tower-http|tokio|tokio-stream|futures|futures-util|async-trait|plotters|plotters-backend|plotters-bitmap|plotters-svg|image|png|ab_glyph|ab_glyph_rasterizer|ttf-parser|indicatif|console|ctrlc|qrcode|ureq|reqwest|csv|ciborium)$'
tree=$(cargo tree -p coalsim-core -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)
if [ -z "$tree" ]; then
    echo "check-core-purity: cargo tree printed nothing" >&2
    exit 1
fi
bad=$(printf '%s\n' "$tree" | grep -E "$forbidden" || true)
if [ -n "$bad" ]; then
    echo "coalsim-core must not depend on these crates (web, async, plotting, terminal, file formats):" >&2
    printf '  %s\n' $bad >&2
    echo "Move the code that needs them to coalsim-report, coalsim-serve or the binary." >&2
    exit 1
fi
echo "coalsim-core: $(printf '%s\n' "$tree" | wc -l) crates in its tree, none of: web, async, plotting, terminal, file formats"
