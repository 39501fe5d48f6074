# Sourced by the launcher, scripts/build and scripts/setup: finds a JDK 25 or later, in this order: NSLAB_JAVA_HOME
# (taken as given), JAVA_HOME, the JDKs in /usr/lib/jvm, the java on PATH. Sets nslab_jdk (empty when there is none).
# Bash alone, no process (the launcher runs it before every JVM): a JDK's version is read from its "release" file.
nslab_jdk_version() { # sets nslab_v to the feature version of JDK $1 (empty: not a JDK)
  local line
  nslab_v=
  [[ -x $1/bin/java && -r $1/release ]] || return 0
  while IFS= read -r line; do
    if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then nslab_v=${BASH_REMATCH[1]}; return 0; fi
  done < "$1/release"
}
nslab_find_jdk() {
  local c
  nslab_jdk=
  if [[ -n ${NSLAB_JAVA_HOME:-} ]]; then nslab_jdk=$NSLAB_JAVA_HOME; return 0; fi
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [[ -n $c ]] || continue
    nslab_jdk_version "$c"
    if [[ -n $nslab_v ]] && ((nslab_v >= 25)); then nslab_jdk=$c; return 0; fi
  done
  c=$(command -v java) || return 0
  c=$(readlink -f "$c")
  nslab_jdk_version "${c%/bin/java}"
  if [[ -n $nslab_v ]] && ((nslab_v >= 25)); then nslab_jdk=${c%/bin/java}; fi
  return 0
}
nslab_no_jdk="no JDK 25 or later (looked at NSLAB_JAVA_HOME, JAVA_HOME, /usr/lib/jvm/*, the java on PATH): install one, or set NSLAB_JAVA_HOME to it"
