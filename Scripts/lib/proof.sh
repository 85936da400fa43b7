# shellcheck shell=bash
# shellcheck disable=SC2154 # the caller sets repo and proof (below)
# What the four proofs share (Scripts/kernel-proof, kernel-proof-7.3,
# ublk-proof and vduse-proof, through Scripts/lib/kernel-proof.sh and
# Scripts/lib/transport-proof.sh): timed steps, one way to fail and one
# VERDICT line, the lock of the heavy steps, and the end of a boot. The
# caller sets repo (the checkout) and proof (its name: kernel-proof-7.3),
# then calls proof_start once its options are read; its directory is
# work=.build/<proof>.
#
#   step NAME...             starts a timed step (the previous one ends)
#   fail MESSAGE...          says why, "VERDICT <proof> FAIL", exit 1
#   heavy CMD...             CMD holding the heavy lock
#   proof_boot_result LOG QEMU_STATUS   the guest's verdict lines; fails unless they pass
#   proof_pass LOG [NOTE]    the step timings, LOG's SPEED lines, "VERDICT <proof> PASS"
#
# Any other way out that is not exit 0 (a command that set -e stops on)
# also ends with "VERDICT <proof> FAIL", naming the command and its line.
. Scripts/lib/packages.sh
. Scripts/lib/initramfs.sh

proof_started=$SECONDS
proof_timings=()
proof_step_name="" proof_step_started=$SECONDS proof_step_waited=0
proof_verdict_said=0
proof_error=""
# Functions the EXIT trap runs first, however the proof ends (buildroot_umount).
proof_exit_hooks=()

# proof_read_options ARGS...: each option goes to library_option (the
# options of kernel-proof.sh or transport-proof.sh), then to proof_option
# (the wrapper's own, where it has any). Each takes "$@" from the option on,
# sets proof_shift to the number of words it used, or returns 1.
proof_option() { return 1; }
proof_read_options() {
    while (($#)); do
        library_option "$@" || proof_option "$@" || usage_error "unknown option '$1'"
        shift "$proof_shift"
    done
}

usage_error() {
    echo "$proof: error: $*" >&2
    exit 2
}

step() {
    if [ -n "$proof_step_name" ]; then
        local waited=""
        ((proof_step_waited == 0)) || waited=" (+${proof_step_waited}s waiting for the lock)"
        proof_timings+=("$(printf '%5ds  %s' $((SECONDS - proof_step_started - proof_step_waited)) "$proof_step_name")$waited")
    fi
    proof_step_name=$* proof_step_started=$SECONDS proof_step_waited=0
    printf '%s: [%4ds] %s\n' "$proof" $((SECONDS - proof_started)) "$*"
}

fail() {
    echo "$proof: FAIL: $*" >&2
    proof_verdict_said=1
    echo "VERDICT $proof FAIL" >&2
    exit 1
}

proof_on_exit() {
    local status=$? hook
    for hook in "${proof_exit_hooks[@]}"; do "$hook"; done
    if ((status != 0 && !proof_verdict_said)); then
        echo "$proof: FAIL: ${proof_error:-exit status $status}" >&2
        echo "VERDICT $proof FAIL" >&2
    fi
    exit "$status"
}

proof_start() {
    work=$repo/.build/$proof
    mkdir -p "$work"
    set -E
    trap 'proof_error="line $LINENO: \"$BASH_COMMAND\" exited $?"' ERR
    trap proof_on_exit EXIT
    # A signal ends the proof through exit, so the EXIT trap runs.
    trap 'exit 130' INT TERM
}

# The heavy steps (builds, boots) share two cores with other jobs: one at a
# time, under an flock on $MQGEN_HEAVY_LOCK (default /tmp/mqgen-heavy.lock;
# empty when the caller holds it). A step's time leaves out its wait,
# shown apart.
proof_heavy_lock=${MQGEN_HEAVY_LOCK-/tmp/mqgen-heavy.lock}
heavy() {
    local status=0 since fd
    if [ -n "$proof_heavy_lock" ]; then
        exec {fd}>"$proof_heavy_lock"
        if ! flock -n "$fd"; then
            since=$SECONDS
            echo "$proof: waiting for $proof_heavy_lock" >&2
            flock "$fd"
            proof_step_waited=$((proof_step_waited + SECONDS - since))
        fi
    fi
    "$@" || status=$?
    [ -z "$proof_heavy_lock" ] || exec {fd}>&-
    return $status
}

# proof_swift_build PRODUCT [SWIFT BUILD ARGS...]: builds PRODUCT in release
# (.build/release) and sets proof_binary to its path.
proof_swift_build() {
    local product=$1 bin
    shift
    swift build -c release --product "$product" "$@" >"$work/swift-build.log" 2>&1 ||
        { tail -30 "$work/swift-build.log"; fail "swift build"; }
    bin=$(swift build -c release --show-bin-path) || fail "swift build --show-bin-path"
    # shellcheck disable=SC2034 # read by the caller
    proof_binary=$bin/$product
}

# proof_boot_result LOG QEMU_STATUS: console.log points at LOG; prints the
# guest's MQGEN lines and fails, with the end of LOG, unless the guest ran
# its checks, none failed and it said it was done.
proof_boot_result() {
    local log=$1 status=$2
    ln -sf "$(basename "$log")" "$work/console.log"
    if ! guest_verdicts "$log"; then
        echo "---- console tail ($log) ----"
        tail -60 "$log"
        fail "guest checks (qemu exited $status$( ((status == 124)) && echo ": timed out"))"
    fi
    # The guest said it was done: a qemu that then hangs on exit is news, not a failure.
    ((status == 0)) || echo "$proof: qemu exited $status after the guest finished"
}

# proof_pass LOG [NOTE]: the end of a proof that passed.
proof_pass() {
    local log=$1 note=${2:-}
    step "done"
    echo "$proof: console log $log"
    echo "$proof: step timings"
    printf '  %s\n' "${proof_timings[@]}"
    echo "$proof: total $((SECONDS - proof_started))s${note:+ ($note)}"
    # Speed has its own verdicts, reported, not enforced: TCG timings swing.
    tr -d '\r' <"$log" | sed -n 's/^MQGEN-SPEED /SPEED /p'
    proof_verdict_said=1
    echo "VERDICT $proof PASS"
}
