# shellcheck shell=bash
# mqgen_llvm: the libclang version Package.swift builds against (its one constant).
mqgen_llvm() { sed -n 's/^let llvm = .*?? "\([0-9]*\)"$/\1/p' Package.swift; }

# require_packages PKG...: installs, from Debian's packages, those not yet
# installed. Runs apt-get update once per process, only when something is missing.
require_packages() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
    done
    ((${#missing[@]})) || return 0
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "${MQGEN_APT_UPDATED:-}" ]; then
        apt-get update -q
        export MQGEN_APT_UPDATED=1
    fi
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}
