# shellcheck shell=sh
# The one median of mqgen's benchmarks: sourced by Scripts/bench-parse on the
# host and, as /median.sh beside Scripts/guest/lib.sh, by every guest /init,
# so POSIX sh and busybox awk.
#
# median VALUE...: the middle value of the sorted numbers; for an even count,
# the mean of the two middle ones (the usual median: 1 2 3 4 gives 2.5).
# Printed with the printf format $MEDIAN_FORMAT (default %.15g: a whole
# number as it is, a fraction to 15 digits); nothing for no value.
median() {
    [ $# -gt 0 ] || return 0
    printf '%s\n' "$@" | sort -n | awk -v fmt="${MEDIAN_FORMAT:-%.15g}" '
        { v[NR] = $1 }
        END { printf fmt "\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
