# shellcheck shell=sh
# `mqgen-serve list` in the guests, shared by ublk-proof-init and
# vduse-proof-init: reading its text and JSON, waiting for a state, and the
# bounded kills and stops its checks need. Every wait here has a limit.

# list_transcript WHEN: the whole listing, text and JSON, into the guest log.
list_transcript() {
    mqgen-serve list 2>&1 | sed "s|^|MQGEN-INFO list ($1): |" >/dev/console
    echo "MQGEN-INFO list --json ($1): $(mqgen-serve list --json 2>&1 | tr -s ' \n' ' ')" >/dev/console
}

# listed KEY: the text line of the device whose ID/NAME column is KEY, or nothing.
listed() {
    mqgen-serve list | awk -v key="$1" 'NR > 1 && $3 == key'
}

list_column() {
    case $1 in
    transport) echo 1 ;; device) echo 2 ;; key) echo 3 ;; driver) echo 4 ;; size) echo 5 ;; block) echo 6 ;;
    queues) echo 7 ;; depth) echo 8 ;; backing) echo 9 ;; pid) echo 10 ;; state) echo 11 ;;
    *) echo 0 ;;
    esac
}

# expect_listed WHAT KEY COLUMN=VALUE...: the device is listed with those
# columns; else says which differ, naming WHAT.
expect_listed() {
    what=$1 key=$2
    shift 2
    line=$(listed "$key")
    [ -n "$line" ] || { echo "list: $what ($key) is not listed"; return 1; }
    bad=""
    for pair in "$@"; do
        column=${pair%%=*} want=${pair#*=}
        got=$(echo "$line" | awk -v n="$(list_column "$column")" '{ print $n }')
        [ "$got" = "$want" ] || bad="$bad $column=$got (expected $want)"
    done
    [ -z "$bad" ] || { echo "list: $what ($key):$bad; line: $line"; return 1; }
}

expect_not_listed() {
    line=$(listed "$2")
    [ -z "$line" ] || { echo "list: $1 ($2) is still listed: $line"; return 1; }
}

# wait_listed_state WHAT KEY STATE SECONDS: until the device is in STATE.
wait_listed_state() {
    end=$(($(date +%s) + $4))
    while [ "$(listed "$2" | awk '{ print $11 }')" != "$3" ]; do
        [ "$(date +%s)" -lt "$end" ] || { echo "list: $1 ($2) not $3 within $4 s: $(listed "$2")"; return 1; }
        sleep 0.5
    done
}

# listed_json KEY: the device's object of `list --json` on one line, with no
# blanks around the colons: "backingFile":"/disk/a.img","blockSize":512,...
listed_json() {
    mqgen-serve list --json | awk -v key="$1" '
        /^ *\{ *$/ { object = ""; next }
        /^ *\},? *$/ { if (object ~ ("\"(id|name)\":(\"" key "\"|" key "),")) print object; next }
        { line = $0; gsub(/^ +| +$/, "", line); sub(/" *: */, "\":", line); object = object line }'
}

# expect_json WHAT KEY FRAGMENT...: each fragment ("state":"live") is in the device's object.
expect_json() {
    what=$1 key=$2
    shift 2
    object=$(listed_json "$key")
    [ -n "$object" ] || { echo "list --json: $what ($key) is not listed"; return 1; }
    for fragment in "$@"; do
        case $object in *"$fragment"*) ;; *) echo "list --json: $what ($key) lacks $fragment: $object"; return 1 ;; esac
    done
}

# reap PID SECONDS: waits until the process has exited (a zombie or gone),
# then collects it, its exit status in $reaped. Fails, without blocking, if
# it is still running.
reap() {
    end=$(($(date +%s) + $2))
    while state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) && [ -n "$state" ] && [ "$state" != Z ]; do
        [ "$(date +%s)" -lt "$end" ] || { echo "process $1 still running $2 s after its signal"; return 1; }
        sleep 0.2
    done
    wait "$1" 2>/dev/null
    reaped=$?
    return 0
}

kill_9() {
    kill -9 "$1" && reap "$1" 30
}

# stop_pid PID: SIGTERM, then the server must exit within 30 s, with 0.
stop_pid() {
    kill -TERM "$1" || return 1
    reap "$1" 30 || return 1
    [ "$reaped" = 0 ] || { echo "server $1 exited $reaped after SIGTERM"; return 1; }
}

# list_ignores_stale_record FILE RECORD KEY: a record of a device that does
# not exist is not listed, and list removes it.
list_ignores_stale_record() {
    mkdir -p /run/mqgen && echo "$2" >"/run/mqgen/$1" || return 1
    list_transcript "a record of no device"
    expect_not_listed "a record of no device" "$3" || return 1
    [ ! -e "/run/mqgen/$1" ] || { echo "list left the stale record /run/mqgen/$1"; return 1; }
    echo "the record of no device was ignored and removed"
}
