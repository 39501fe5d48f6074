# Run by PackageTest as root inside "unshare -m": installs the .deb $1 on overlays of /usr, /etc and /var (so the
# machine's own files and package database are never touched, and nothing is left when the mount namespace ends),
# with /usr/lib/jvm empty and no java on PATH, then uses it as a user would: lab $2, a ping, down, removal. $3 is an
# empty directory of the test's, where the overlays' upper layers live (a tmpfs, gone with the mount namespace).
set -euo pipefail
deb=$1 lab=$2 D=$3
mount -t tmpfs tmpfs "$D"
for d in usr etc var; do
  mkdir -p "$D/$d.u" "$D/$d.w"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$D/$d.u,workdir=$D/$d.w" "/$d"
done
mount -t tmpfs tmpfs /usr/lib/jvm
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
unset JAVA_HOME NSLAB_JAVA_HOME NSLAB_HELPER
export NSLAB_HELPER_SOCKET=$D/helper.sock NSLAB_HELPER_IDLE=4   # the helper the first command starts: the test's own
! command -v java >/dev/null 2>&1 || { echo "java is still on PATH"; exit 1; }
dpkg -i "$deb" >/dev/null
# a failure halfway leaves no namespace, and no helper
trap 'nslab down "$lab" --state-dir "$D/state" >/dev/null 2>&1 || true; nslab helper stop >/dev/null 2>&1 || true' EXIT
nslab -V
nslab netns list >/dev/null && echo "netns list: ok"
# the first command started a resident helper by itself (beside it): once it answers, reads are served by it
for _ in $(seq 600); do nslab helper status >/dev/null 2>&1 && break; sleep 0.1; done   # until it answers (or 60 s)
nslab netns list >/dev/null   # /usr/bin/nslab, the C entry, asks the helper itself
[[ $(readlink /usr/bin/nslab) == */nslab-client ]] && echo "entry: the C client"
status=$(nslab helper status -j)
[[ $status == *'"served":'[1-9]* ]] && echo "helper: started by itself, serves"
# the launcher script made unrunnable: a read still answers (without the helper the entry would fail with 127),
# so the entry was served without it
chmod -x /usr/lib/nslab/nslab
nslab netns list >/dev/null && echo "entry: served without the launcher"
chmod +x /usr/lib/nslab/nslab
pid=${status#*\"pid\":} pid=${pid%%,*}
for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done   # idle for 4 s, it ends by itself
kill -0 "$pid" 2>/dev/null || echo "helper: stopped by itself when idle"
nslab up /usr/share/doc/nslab/examples/routers3.yml --name "$lab" --state-dir "$D/state"
nslab exec "$lab" h1 --state-dir "$D/state" -- ping -c 1 -W 2 10.10.2.2 | grep -c "1 received"
# the live page from the installed runtime (its web server's jars and modules are in the package): the API answers
nslab ui "$lab" --listen 127.0.0.1:0 --state-dir "$D/state" >"$D/ui.out" 2>/dev/null &
ui=$!
for _ in $(seq 300); do [[ -s $D/ui.out ]] && break; sleep 0.1; done   # until it prints its address (or 30 s)
url=$(head -1 "$D/ui.out") hostport=${url#http://} hostport=${hostport%%/*} token=${url##*token=}
exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}"
printf 'GET /api/labs/%s?token=%s HTTP/1.0\r\nHost: %s\r\n\r\n' "$lab" "$token" "$hostport" >&3
answer=$(cat <&3)
exec 3<&-
kill "$ui"; wait "$ui" || true
[[ $answer == "HTTP/1."?" 200"* && $answer == *'"links":[{"id":"h1:eth0 r1:eth0"'* ]] && echo "ui: the API answers"
nslab down "$lab" --state-dir "$D/state"
ls /usr/lib/nslab/nslab.aot /usr/lib/nslab/nslab-reads.aot >/dev/null && echo "aot: made at install"
shopt -s extglob
. /usr/share/bash-completion/completions/nslab
complete -p nslab
set +u # as a shell runs completion functions
COMP_WORDS=(nslab -n "")
COMP_CWORD=2
_nslab
set -u
echo "completes -n with: ${COMPREPLY[*]}"
if command -v man >/dev/null; then man -w nslab; else ls /usr/share/man/man8/nslab.8.gz; fi
ls /usr/share/man/man5/nslab-lab.5.gz
nslab helper stop >/dev/null   # the one the commands since have started, if it is still there
dpkg -r nslab >/dev/null
[[ ! -e /usr/bin/nslab && ! -e /usr/lib/nslab ]] && echo "removed: nothing left"
