#!/usr/bin/env bash
# make test: `make help` names every .PHONY target and every variable a user sets
# (those the makefiles read but never assign, or assign only with ?=).
set -uo pipefail
cd "$(dirname "$0")/.."
mk=(Makefile user/user.mk tests/host/host.mk board/*/board.mk)
help=$(make -s help)
targets=$(make -pRrq -f Makefile : 2>/dev/null | sed -n 's/^\.PHONY: //p' | tr ' ' '\n' | sort -u)
refs=$(grep -ohE '\$\([A-Z][A-Z0-9_]*\)' "${mk[@]}" | tr -d '$()' | sort -u)
assigned=$(grep -ohE '^[A-Z][A-Z0-9_]* *(:=|=|\+=)' "${mk[@]}" | awk '{print $1}' | sed 's/[:+]*=$//' | sort -u)
defaults=$(grep -ohE '^[A-Z][A-Z0-9_]* *\?=' "${mk[@]}" | awk '{print $1}')
variables=$( (comm -23 <(echo "$refs") <(echo "$assigned"); echo "$defaults") | grep -vxE 'MAKE|MAKECMDGOALS|MAKEFLAGS' | sort -u)
missing=0
for t in $targets; do
  grep -qE "^  ([^ ]+, )*$t( |,|$)" <<<"$help" || { echo "make help: no line for target '$t'"; missing=1; }
done
for v in $variables; do
  grep -qE "^  $v=" <<<"$help" || { echo "make help: no line for variable '$v'"; missing=1; }
done
[ $missing = 0 ] && echo "make help: $(echo $targets | wc -w) targets and $(echo $variables | wc -w) variables listed"
exit $missing
