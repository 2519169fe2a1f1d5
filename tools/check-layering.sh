#!/usr/bin/env bash
# The include rules that keep dependencies pointing one way (docs/design.md, "Layout"):
#   arch/, drivers/  -> include/janus, lib, themselves; never core/
#   include/janus    -> arch's headers (the interface's implementation), never core/
#   core/            -> include/janus, lib, itself; never arch/ or drivers/ directly
#                       (the CPU only through <janus/arch.h>); <board.h> only in boot/
#   lib/             -> include/janus and itself only: portable, host-tested code
# Prints each include that crosses a line and exits 1 if there is one.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
# folder, pattern of forbidden includes, why
check() {
  local hits
  hits=$(git ls-files -- "$1" | grep -E '\.(c|h|S)$' | xargs -r grep -HnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*$2" || true)
  if [ -n "$hits" ]; then
    echo "$hits" | sed "s|\$|   <- $3|"
    status=1
  fi
}
check arch '"core/' 'arch reaches core only through include/janus'
check drivers '"core/' 'drivers reach core only through include/janus'
check include '"(core|drivers)/' 'public headers expose no private header'
check core '(<arch/|"arch/|"drivers/)' 'core asks the CPU only through <janus/arch.h>'
check lib '(<arch/|"arch/|"drivers/|"core/|<board\.h>)' 'lib is portable: include/janus and lib only'
hits=$(git ls-files -- core | grep -vE '^core/boot/' | grep -E '\.(c|h)$' | xargs -r grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<board\.h>' || true)
[ -z "$hits" ] || { echo "$hits" | sed 's|$|   <- board facts are boot'"'"'s (core/boot)|'; status=1; }
exit $status
