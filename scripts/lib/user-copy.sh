# Sourced by scripts that try nslab as a normal user (scripts/test-unprivileged, bench/rootless); run them as root.
#   make_user_copy PREFIX   makes a user named PREFIX and random hex (a name no other run uses), whose home $work is
#                           a copy of this tree as it is now (committed or not, without what a build made) and of
#                           root's local Maven repository; sets $user and $work
#   as_user 'COMMANDS'      runs COMMANDS with bash as that user, in $work, with a clean environment
#   remove_user_copy        ends the user's processes and removes the user, its copy and where its namespaces were noted
make_user_copy() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  user="$1$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
  work=$(mktemp -d "/tmp/$1.XXXXXX")
  useradd --no-create-home --home-dir "$work" --shell /bin/bash "$user"
  chmod 755 "$work"
  tar -C "$root" --exclude=./.git --exclude='*/target' --exclude=./target -cf - . | tar -C "$work" -xf -
  mkdir -p "$work/.m2/repository"
  cp -a "${MAVEN_REPO:-$HOME/.m2/repository}/." "$work/.m2/repository/"
  chown -R "$user:" "$work"
}

as_user() {
  . "$(dirname "${BASH_SOURCE[0]}")/jdk.sh"
  nslab_find_jdk
  runuser -u "$user" -- env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$work" \
    JAVA_HOME="$nslab_jdk" LANG=C.UTF-8 bash -c "cd \"\$HOME\" || exit 1
$1" 2> >(grep -v -e 'sun.misc.Unsafe' -e 'Please consider reporting' -e 'terminally deprecated' >&2)
}

remove_user_copy() {
  [[ -n ${user:-} ]] || return 0
  pkill -KILL -u "$user" 2>/dev/null || true
  local uid
  # where the user's namespaces were noted, and rootless podman's run directories of the user (named by the uid)
  uid=$(id -u "$user" 2>/dev/null) && rm -rf "/tmp/nslab-$uid" "/tmp/podman-run-$uid" "/tmp/containers-user-$uid"
  rm -rf "/tmp/hsperfdata_$user" # what the user's JVMs left (named after the user: only ours)
  userdel "$user" >/dev/null 2>&1 || true
  rm -rf "$work"
}
