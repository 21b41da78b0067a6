#!/bin/sh
# tessera and Detour alternately, N times each, on every query kind and mesh; prints the fastest run of each
# and how much faster tessera is. Usage: ./interleaved.sh [N] [ROUNDS]   (defaults 7 and 2000)
set -e
cd "$(dirname "$0")"
cargo build --release --quiet --example query_loop
N=${1:-7}
ROUNDS=${2:-2000}
X=target/release/examples/query_loop
for kind in full nearest raycast move wall circle; do
    for mesh in dungeon nav_test undulating; do
        i=0
        while [ $i -lt "$N" ]; do
            for lib in tessera detour; do
                echo "$lib $($X $lib $kind $mesh "$ROUNDS" 2>&1 | awk '{print $4}')"
            done
            i=$((i + 1))
        done | awk -v k="$kind" -v m="$mesh" '{ if (!($1 in best) || $2 < best[$1]) best[$1] = $2 }
            END { printf "%-8s %-11s tessera %8.1f ns  detour %8.1f ns  %.2fx\n", k, m, best["tessera"], best["detour"], best["detour"] / best["tessera"] }'
    done
done
