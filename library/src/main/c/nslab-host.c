/*
 * nslab-host: what makes a lab node a small host, done by a process of its own because a thread of a JVM cannot do it
 * (a multithreaded process may not join a user namespace, and threads share their file system context).
 *
 *   nslab-host userns PIN BASE COUNT
 *       makes a user namespace whose ids 0..COUNT-1 are the machine's BASE..BASE+COUNT-1 and keeps it alive by
 *       bind-mounting it on the file PIN (which must exist); a lab's node programs run as root of it, which is nobody
 *       on the machine
 *   nslab-host init [--userns PIN] [--idmap] --dir DIR --hostname NAME [--etc DIR] [--mask PATH]... [--bind SRC:DST[:ro]]...
 *       makes a node's host: a network, mount, UTS, IPC and PID namespace owned by the lab's user namespace (or by the
 *       caller's, without --userns), the machine's tree underneath a writable layer of its own (an overlay: lower the
 *       machine's root, through an idmapped mount with --idmap, upper DIR/upper), private /tmp, /run and /dev, a /proc
 *       of its own, a read-only /sys of its network, the binds, the host name. Prints the host process id of the
 *       node's init (pid 1 inside) when it is ready, then waits for "go" on its standard input and passes it to the
 *       init (end of input before that: the caller is gone, and the init ends with everything it made); the init then
 *       reaps what it inherits until it is ended (SIGTERM: it passes it on to every process of the node, and ends).
 *   nslab-host enter PID [--] COMMAND [ARG...]
 *       runs COMMAND inside the host whose init is PID (all its namespaces, as root of its user namespace), in a child
 *       that dies with this process; passes signals on and exits with the command's status.
 *   nslab-host rootless [--] COMMAND [ARG...]
 *       runs COMMAND (exec: same process, same input and output) in the calling user's own namespaces: a user
 *       namespace where the user is root (rootless podman's, joined through `podman unshare`, where podman works, so
 *       that the user's containers and labs share it; else one of its own with the user's id alone), a mount
 *       namespace with a /run of its own (netns and nslab empty and the user's; every other entry of the machine's
 *       /run reached through a link) and a network namespace that stands for the machine. They are kept by a small process of the user's
 *       (nslab-host pause), started by the first command and noted in $XDG_RUNTIME_DIR/nslab (else /tmp/nslab-UID),
 *       which ends by itself once the user has no namespace in /run/netns and no process in them. As root of the
 *       machine, or inside already, it runs COMMAND as it is.
 *
 * Exit status 125 when nslab-host itself fails (the message says why), else the command's (enter).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <poll.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <net/if.h>
#include <netdb.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FAIL 125
#define MAX_BINDS 64
#define MAX_MASKS 16

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("nslab-host: ", stderr);
    vfprintf(stderr, fmt, ap);
    if (errno) fprintf(stderr, ": %s", strerror(errno));
    fputc('\n', stderr);
    va_end(ap);
    exit(FAIL);
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t) strlen(text)) die("cannot write %s", path);
    close(fd);
}

static void become_root(void) {
    // the ids of the user namespace just joined: root of it (the machine sees the namespace's base id)
    if (setresgid(0, 0, 0) || setgroups(0, NULL) || setresuid(0, 0, 0)) die("cannot become root of the node's user namespace");
    // a change of ids makes a process undumpable, which hides its /proc files (its namespaces) from its own node:
    // the node's root may look at its own init (nsenter -t 1)
    prctl(PR_SET_DUMPABLE, 1);
}

/* ---- userns ---------------------------------------------------------------------------------------------------- */

static int cmd_userns(int argc, char **argv) {
    if (argc != 5) { errno = 0; die("usage: nslab-host userns PIN BASE COUNT"); }
    const char *pin = argv[2];
    unsigned long base = strtoul(argv[3], NULL, 10), count = strtoul(argv[4], NULL, 10);
    int go[2], made[2];
    if (pipe2(go, O_CLOEXEC) || pipe2(made, O_CLOEXEC)) die("pipe");
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        char c;
        close(go[1]);
        close(made[0]);
        if (unshare(CLONE_NEWUSER)) die("cannot make a user namespace");
        if (write(made[1], "u", 1) != 1) _exit(FAIL);
        if (read(go[0], &c, 1) < 0) _exit(FAIL); // held until the namespace is pinned
        _exit(0);
    }
    char c, path[256], map[128];
    close(go[0]);
    close(made[1]);
    if (read(made[0], &c, 1) != 1) { errno = 0; die("the user namespace was not made"); }
    snprintf(map, sizeof map, "0 %lu %lu\n", base, count);
    snprintf(path, sizeof path, "/proc/%d/uid_map", child);
    write_file(path, map);
    snprintf(path, sizeof path, "/proc/%d/gid_map", child);
    write_file(path, map);
    snprintf(path, sizeof path, "/proc/%d/ns/user", child);
    if (mount(path, pin, NULL, MS_BIND, NULL)) die("cannot pin the user namespace on %s", pin);
    close(go[1]);
    waitpid(child, NULL, 0);
    return 0;
}

/* ---- init ------------------------------------------------------------------------------------------------------ */

/*
 * A node's tree in a user's own namespaces (no idmapped mount: the user is not root of the machine). The machine's
 * "/" cannot be an overlay's lower layer there (the mounts beneath it are locked to this namespace, and overlayfs
 * refuses to clone such a tree), so the node's root is a tmpfs holding, for each directory at the top of the
 * machine's tree, an overlay of its own (lower the machine's directory, upper DIR/upper/NAME) — or, for a directory
 * with mounts beneath it, the machine's directory as it is (a recursive bind); the top's links as they are.
 */
static int has_mounts_below(const char *dir) {
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f) return 1;
    char line[8192];
    size_t n = strlen(dir);
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        char *p = line;
        for (int i = 0; i < 4 && p; i++) { p = strchr(p, ' '); if (p) p++; }
        if (!p) continue;
        char *end = strchr(p, ' ');
        if (!end) continue;
        *end = 0;
        if (!strncmp(p, dir, n) && p[n] == '/') found = 1;
    }
    fclose(f);
    return found;
}

static void layered_root(const char *merged, const char *upper, const char *work) {
    if (mount("tmpfs", merged, "tmpfs", MS_NOSUID, "mode=755")) die("cannot mount the node's root");
    DIR *d = opendir("/");
    if (!d) die("opendir /");
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..")) continue;
        char src[4096], dst[8300], u[8300], w[8300], opts[24900];
        snprintf(src, sizeof src, "/%s", n);
        snprintf(dst, sizeof dst, "%s/%s", merged, n);
        struct stat st;
        if (lstat(src, &st)) continue;
        if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t k = readlink(src, target, sizeof target - 1);
            if (k < 0) continue;
            target[k] = 0;
            if (symlink(target, dst)) die("cannot link %s", dst);
            continue;
        }
        if (!S_ISDIR(st.st_mode)) continue;
        if (mkdir(dst, st.st_mode & 07777)) die("cannot make %s", dst);
        // the node's own, mounted by the caller
        if (!strcmp(n, "proc") || !strcmp(n, "sys") || !strcmp(n, "dev") || !strcmp(n, "run") || !strcmp(n, "tmp")) continue;
        snprintf(u, sizeof u, "%s/%s", upper, n);
        snprintf(w, sizeof w, "%s/%s", work, n);
        if ((mkdir(u, st.st_mode & 07777) && errno != EEXIST) || (mkdir(w, 0700) && errno != EEXIST)) die("cannot make the layer of %s", src);
        chmod(u, st.st_mode & 07777); // the merged directory shows the upper one's mode: the machine's (/root 0700, /tmp 1777)
        snprintf(opts, sizeof opts, "userxattr,lowerdir=%s,upperdir=%s,workdir=%s", src, u, w);
        if (mount("overlay", dst, "overlay", 0, opts) == 0) continue;
        // mounts of the machine's beneath it (locked here) keep it from being a lower layer: the machine's, as it is
        if (!has_mounts_below(src) || mount(src, dst, NULL, MS_BIND | MS_REC, NULL)) die("cannot mount the node's %s (overlay)", src);
    }
    closedir(d);
    errno = 0;
}


struct bind { char *src, *dst; int ro; };

static void mkdirs(const char *path, mode_t mode) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(tmp, mode) && errno != EEXIST) die("cannot make %s", tmp);
        *p = '/';
    }
    if (mkdir(tmp, mode) && errno != EEXIST) die("cannot make %s", tmp);
}

/** Makes the mount point {@code dst} inside the new root for a bind of {@code src}: a directory or an empty file. */
static void mount_point(const char *dst, const char *src) {
    struct stat s;
    if (stat(src, &s)) die("cannot bind %s: it does not exist", src);
    if (S_ISDIR(s.st_mode)) {
        mkdirs(dst, 0755);
    } else {
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", dst);
        char *slash = strrchr(parent, '/');
        if (slash && slash != parent) { *slash = 0; mkdirs(parent, 0755); }
        int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST) die("cannot make %s", dst);
        if (fd >= 0) close(fd);
    }
}

static void bind_into(const char *root, struct bind *b) {
    char dst[4096];
    snprintf(dst, sizeof dst, "%s%s", root, b->dst);
    mount_point(dst, b->src);
    if (mount(b->src, dst, NULL, MS_BIND | MS_REC, NULL)) die("cannot bind %s on %s", b->src, b->dst);
    if (b->ro && mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL)) die("cannot make %s read-only", b->dst);
}

static void mount_in(const char *root, const char *what, const char *type, unsigned long flags, const char *opts) {
    char dst[4096];
    snprintf(dst, sizeof dst, "%s%s", root, what);
    mkdirs(dst, 0755);
    if (mount(type, dst, type, flags, opts)) die("cannot mount %s on %s", type, what);
}

/** A minimal /dev: the harmless devices of the machine, a pty instance of its own, shared memory, message queues. */
static void make_dev(const char *root) {
    mount_in(root, "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=65536k");
    const char *devs[] = {"null", "zero", "full", "random", "urandom", "tty", NULL};
    for (int i = 0; devs[i]; i++) {
        char src[64], dst[4200];
        snprintf(src, sizeof src, "/dev/%s", devs[i]);
        snprintf(dst, sizeof dst, "%s/dev/%s", root, devs[i]);
        mount_point(dst, src);
        if (mount(src, dst, NULL, MS_BIND, NULL)) die("cannot bind %s", src);
    }
    mount_in(root, "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620");
    char ptmx[4200];
    snprintf(ptmx, sizeof ptmx, "%s/dev/ptmx", root);
    if (symlink("pts/ptmx", ptmx)) die("cannot link /dev/ptmx");
    mount_in(root, "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    mount_in(root, "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    const char *links[][2] = {{"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"}};
    for (int i = 0; i < 4; i++) {
        char l[4200];
        snprintf(l, sizeof l, "%s/dev/%s", root, links[i][1]);
        if (symlink(links[i][0], l)) die("cannot link /dev/%s", links[i][1]);
    }
}

/**
 * Mounts a clone of {@code src} at DIR/binds/N (N &lt; 0: DIR/etc), seen through the id mapping of {@code userns}
 * (what the submounts cannot show so, they show as they are), read-only when asked; returns the staged path.
 */
static char *stage(const char *dir, int n, const char *src, int userns, int ro) {
    char *path = malloc(4200);
    if (n < 0) snprintf(path, 4200, "%s/etc", dir);
    else snprintf(path, 4200, "%s/binds/%d", dir, n);
    mount_point(path, src);
    int tree = syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (tree < 0) die("cannot bind %s", src);
    struct mount_attr idmap = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (unsigned long) userns};
    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &idmap, sizeof idmap)
            && syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &idmap, sizeof idmap)) {
        errno = 0; // a file system that cannot map ids (a special one): its files show their machine owners (nobody)
    }
    if (ro) {
        struct mount_attr rdonly = {.attr_set = MOUNT_ATTR_RDONLY};
        if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &rdonly, sizeof rdonly)) die("cannot make %s read-only", src);
    }
    if (syscall(SYS_move_mount, tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH)) die("cannot stage %s", src);
    close(tree);
    return path;
}

static volatile sig_atomic_t ending;

static void on_term(int sig) { (void) sig; ending = 1; }

/** pid 1 of the node: reaps, and on SIGTERM passes it on to every process of the node, then ends (the kernel ends the rest). */
static int be_init(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    for (;;) {
        if (ending) {
            kill(-1, SIGTERM);
            for (int i = 0; i < 50; i++) { // up to 5 s for them to end by themselves
                while (waitpid(-1, NULL, WNOHANG) > 0) { }
                if (errno == ECHILD || kill(-1, 0) < 0) break;
                usleep(100000);
            }
            return 0; // the kernel ends whatever is left of the node with its init
        }
        pid_t p = waitpid(-1, NULL, 0);
        if (p < 0 && errno == ECHILD) pause();
    }
}

static int cmd_init(int argc, char **argv) {
    const char *pin = NULL, *dir = NULL, *hostname = NULL, *etc = NULL;
    int idmap = 0, nbinds = 0, nmasks = 0;
    struct bind binds[MAX_BINDS];
    const char *masks[MAX_MASKS];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--idmap")) { idmap = 1; continue; }
        if (!v) { errno = 0; die("%s needs a value", a); }
        i++;
        if (!strcmp(a, "--userns")) pin = v;
        else if (!strcmp(a, "--dir")) dir = v;
        else if (!strcmp(a, "--hostname")) hostname = v;
        else if (!strcmp(a, "--etc")) etc = v;
        else if (!strcmp(a, "--mask")) { if (nmasks < MAX_MASKS) masks[nmasks++] = v; }
        else if (!strcmp(a, "--bind")) {
            if (nbinds == MAX_BINDS) { errno = 0; die("more than %d binds", MAX_BINDS); }
            char *s = strdup(v), *colon = strchr(s, ':');
            if (!colon) { errno = 0; die("bind %s is not SRC:DST[:ro]", v); }
            *colon = 0;
            char *dst = colon + 1, *mode = strchr(dst, ':');
            int ro = 0;
            if (mode) { *mode = 0; ro = !strcmp(mode + 1, "ro"); }
            binds[nbinds++] = (struct bind) {s, dst, ro};
        } else { errno = 0; die("unknown option %s", a); }
    }
    if (!dir || !hostname) { errno = 0; die("usage: nslab-host init [--userns PIN] [--idmap] --dir DIR --hostname NAME ..."); }
    char lower[4096], upper[4096], work[4096], merged[4096];
    snprintf(lower, sizeof lower, "%s/lower", dir);
    snprintf(upper, sizeof upper, "%s/upper", dir);
    snprintf(work, sizeof work, "%s/work", dir);
    snprintf(merged, sizeof merged, "%s/merged", dir);
    int userns = -1;
    if (pin && (userns = open(pin, O_RDONLY | O_CLOEXEC)) < 0) die("cannot open the lab's user namespace %s", pin);

    // a mount namespace of the machine's user namespace first, where the lower layer is made: the machine's root seen
    // through the lab's id mapping, so that root of the lab owns what root of the machine owns, in the node's view only
    if (unshare(CLONE_NEWNS)) die("cannot make a mount namespace");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) die("cannot make the mounts private");
    const char *lowerdir = "/";
    if (idmap) {
        int tree = syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree < 0) die("cannot clone the root file system");
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY, .userns_fd = (unsigned long) userns};
        if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr)) die("cannot map the root file system's ids (idmapped mount)");
        if (syscall(SYS_move_mount, tree, "", AT_FDCWD, lower, MOVE_MOUNT_F_EMPTY_PATH)) die("cannot mount the lower layer");
        lowerdir = lower;
        // what the node binds is staged here, as root of the machine, under the node's own directory: the node's
        // root (nobody on the machine) might not be allowed to walk to where it is; seen through the same id
        // mapping, what root of the machine owns there is root's in the node
        for (int i = 0; i < nbinds; i++) binds[i].src = stage(dir, i, binds[i].src, userns, binds[i].ro);
        if (etc) etc = stage(dir, -1, etc, userns, 1);
    }
    if (userns >= 0) {
        if (setns(userns, CLONE_NEWUSER)) die("cannot join the lab's user namespace");
        become_root();
    }
    if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID)) die("cannot make the node's namespaces");
    if (sethostname(hostname, strlen(hostname))) die("cannot set the host name %s", hostname);
    int ready[2], go[2];
    if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC)) die("pipe");
    pid_t init = fork();
    if (init < 0) die("fork");
    if (init == 0) {
        close(ready[0]);
        close(go[1]);
        if (idmap) {
            char opts[16384];
            snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", lowerdir, upper, work);
            if (mount("overlay", merged, "overlay", 0, opts)) die("cannot mount the node's file system (overlay)");
        } else {
            layered_root(merged, upper, work);
        }
        mount_in(merged, "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
        mount_in(merged, "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
        mount_in(merged, "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
        mount_in(merged, "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755");
        make_dev(merged);
        for (int i = 0; i < nmasks; i++) { // the machine's secrets are not the node's to read
            char m[4096];
            struct stat s;
            snprintf(m, sizeof m, "%s%s", merged, masks[i]);
            if (lstat(m, &s)) continue;
            if (S_ISDIR(s.st_mode)) { if (mount("tmpfs", m, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "mode=700")) die("cannot mask %s", masks[i]); }
            else if (mount("/dev/null", m, NULL, MS_BIND, NULL)) die("cannot mask %s", masks[i]);
        }
        if (etc) { // the lab's names: its hosts file, rewritten by rename, seen through its directory
            struct bind b = {(char *) etc, "/run/nslab-etc", 1};
            bind_into(merged, &b);
            char hosts[4200];
            snprintf(hosts, sizeof hosts, "%s/etc/hosts", merged);
            unlink(hosts);
            if (symlink("/run/nslab-etc/hosts", hosts)) die("cannot link /etc/hosts");
        }
        for (int i = 0; i < nbinds; i++) bind_into(merged, &binds[i]);
        if (chdir(merged)) die("cannot enter %s", merged);
        if (syscall(SYS_pivot_root, ".", ".")) die("cannot make the node's file system its root");
        if (umount2(".", MNT_DETACH)) die("cannot leave the machine's root");
        if (chdir("/")) die("chdir /");
        // the caller reads the outer process's output to its end: the init lets go of it (and of the error output,
        // which has nothing more to say) before saying it is ready
        int quiet = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (quiet < 0 || dup2(quiet, 1) < 0 || dup2(quiet, 2) < 0) _exit(FAIL);
        if (write(ready[1], "r", 1) != 1) _exit(FAIL);
        close(ready[1]);
        // the caller names the node, then says go; without it (the caller died first), the node ends here
        char word[3] = {0};
        ssize_t n = read(go[0], word, 2);
        if (n != 2 || word[0] != 'g' || word[1] != 'o') _exit(0);
        close(go[0]);
        dup2(quiet, 0);
        setsid();
        _exit(be_init());
    }
    close(ready[1]);
    close(go[0]);
    char r;
    if (read(ready[0], &r, 1) != 1) { int st; waitpid(init, &st, 0); errno = 0; die("the node's host was not made (see above)"); }
    printf("%d\n", init);
    fflush(stdout);
    // the caller's "go" is passed on; the end of its input first (it died) closes the init's pipe: the init ends
    char word[3] = {0};
    if (read(0, word, 2) == 2 && word[0] == 'g' && word[1] == 'o' && write(go[1], "go", 2) == 2) return 0;
    return FAIL;
}

/* ---- enter ----------------------------------------------------------------------------------------------------- */

static pid_t child;

static void pass_on(int sig) { if (child > 0) kill(child, sig); }

static int cmd_enter(int argc, char **argv) {
    if (argc < 4) { errno = 0; die("usage: nslab-host enter PID [--] COMMAND [ARG...]"); }
    pid_t pid = (pid_t) strtol(argv[2], NULL, 10);
    int first = 3;
    if (!strcmp(argv[first], "--")) first++;
    if (first >= argc) { errno = 0; die("no command"); }
    int pidfd = syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) die("no host process %d", pid);
    char mine[64], path[64];
    struct stat a, b;
    snprintf(path, sizeof path, "/proc/%d/ns/user", pid);
    snprintf(mine, sizeof mine, "/proc/self/ns/user");
    int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID;
    int other_user = !(stat(mine, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    if (other_user) flags |= CLONE_NEWUSER;
    if (setns(pidfd, flags)) die("cannot enter the host of process %d", pid);
    if (other_user) become_root();
    if (chdir("/")) die("chdir /");
    struct sigaction sa = {0};
    sa.sa_handler = pass_on;
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
    int alive[2];
    if (pipe2(alive, O_CLOEXEC)) die("pipe");
    child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        // the command ends with this process (a supervisor's SIGKILL reaches it); its parent is outside its pid
        // namespace, where getppid() says 0, so the parent's end is watched through a pipe instead of getppid()
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(alive[1]);
        struct pollfd pf = {alive[0], POLLIN, 0};
        if (poll(&pf, 1, 0) > 0) _exit(FAIL); // the parent ended before the death signal was armed
        close(alive[0]);
        struct sigaction dfl = {0};
        dfl.sa_handler = SIG_DFL;
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &dfl, NULL);
        execvp(argv[first], argv + first);
        int e = errno;
        fprintf(stderr, "nslab-host: cannot run %s: %s\n", argv[first], strerror(e));
        _exit(e == ENOENT ? 127 : 126);
    }
    close(alive[0]);
    int st;
    while (waitpid(child, &st, 0) < 0) {
        if (errno != EINTR) die("wait");
    }
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return WEXITSTATUS(st);
}

/* ---- rootless -------------------------------------------------------------------------------------------------- */

/* The user's entries as id 0, read before the user namespace is made (where the machine's names still resolve). */
static char me_passwd[1024], me_group[512];

/* Where the user's namespace is noted: $XDG_RUNTIME_DIR/nslab, else /tmp/nslab-UID; the user's alone, or refused. */
static void runtime_dir(char out[256], size_t n) {
    const char *x = getenv("XDG_RUNTIME_DIR");
    uid_t uid = getuid();
    if (x && *x == '/' && strlen(x) < n - 8) snprintf(out, n, "%s/nslab", x);
    else snprintf(out, n, "/tmp/nslab-%u", (unsigned) uid);
    if (mkdir(out, 0700) && errno != EEXIST) die("cannot make %s", out);
    struct stat s;
    if (lstat(out, &s)) die("cannot look at %s", out);
    errno = 0;
    if (!S_ISDIR(s.st_mode) || s.st_uid != uid || (s.st_mode & 022)) die("%s is not this user's alone (a link, or another's, or open to others): remove it", out);
}

static int open_lock(const char dir[256]) {
    char path[512];
    snprintf(path, sizeof path, "%s/rootless.lock", dir);
    return open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
}


static int same_ns(const char *a, const char *b) {
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_ino == y.st_ino && x.st_dev == y.st_dev;
}

/* The pause process noted in DIR, when it still runs: the user's, and an nslab-host. */
static pid_t noted_pause(const char dir[256]) {
    char path[512];
    snprintf(path, sizeof path, "%s/rootless.pid", dir);
    FILE *f = fopen(path, "re");
    if (!f) return 0;
    long pid = 0;
    if (fscanf(f, "%ld", &pid) != 1) pid = 0;
    fclose(f);
    if (pid <= 1) return 0;
    // a pid used again by another program is not it: an nslab-host of this user's, in a user namespace of its own
    // (not the program's file: a rebuilt nslab-host must still find the namespaces an older one made)
    struct stat s;
    char comm[32] = {0};
    snprintf(path, sizeof path, "/proc/%ld", pid);
    if (stat(path, &s) || s.st_uid != getuid()) return 0;
    snprintf(path, sizeof path, "/proc/%ld/comm", pid);
    f = fopen(path, "re");
    if (!f) return 0;
    if (!fgets(comm, sizeof comm, f)) comm[0] = 0;
    fclose(f);
    if (strcmp(comm, "nslab-host\n")) return 0;
    snprintf(path, sizeof path, "/proc/%ld/ns/user", pid);
    if (same_ns(path, "/proc/1/ns/user")) return 0;
    return (pid_t) pid;
}

static volatile sig_atomic_t stop_pause;

static void on_pause_term(int sig) { (void) sig; stop_pause = 1; }

/* Whether the pause's user namespace is rootless podman's (its processes, and the user's containers, are in it too). */
static int podman_userns;

/* Whether the user has no lab namespace left and no process in the namespace but this one. */
static int idle(void) {
    DIR *d = opendir("/run/netns");
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) { closedir(d); return 0; }
        }
        closedir(d);
    }
    // in podman's user namespace live podman's pause and the user's own containers: there the user's commands are
    // known by this process's mount namespace, which they join (a node's programs are in the lab's namespaces)
    const char *ns = podman_userns ? "mnt" : "user";
    char own[64];
    snprintf(own, sizeof own, "/proc/self/ns/%s", ns);
    struct stat mine;
    if (stat(own, &mine)) return 0;
    d = opendir("/proc");
    if (!d) return 0;
    struct dirent *e;
    pid_t self = getpid();
    int busy = 0;
    while (!busy && (e = readdir(d))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0 || pid == self) continue;
        char path[64];
        struct stat s;
        snprintf(path, sizeof path, "/proc/%ld/ns/%s", pid, ns);
        if (stat(path, &s) == 0 && s.st_ino == mine.st_ino && s.st_dev == mine.st_dev) busy = 1;
    }
    closedir(d);
    return !busy;
}

/*
 * Id 0 here is the user: /etc/passwd and /etc/group say so (the user's name, home and shell for id 0), so that
 * programs asking who they are — Java's user.home, Maven's repository, git — find the user's own.
 */
static void own_names(void) {
    const char *files[][2] = {{"/etc/passwd", "/run/.passwd"}, {"/etc/group", "/run/.group"}};
    for (int k = 0; k < 2; k++) {
        FILE *in = fopen(files[k][0], "re");
        FILE *out = fopen(files[k][1], "we");
        if (!in || !out) { if (in) fclose(in); if (out) fclose(out); continue; }
        fprintf(out, "%s\n", k == 0 ? me_passwd : me_group);
        char line[4096];
        while (fgets(line, sizeof line, in)) {
            char *c = strchr(line, ':');
            c = c ? strchr(c + 1, ':') : NULL; // the id is the third field
            if (c && !strncmp(c + 1, "0:", 2)) continue; // the machine's root is not the one here
            fputs(line, out);
        }
        fclose(in);
        if (fclose(out) == 0) mount(files[k][1], files[k][0], NULL, MS_BIND, NULL);
    }
    errno = 0;
}

/* In the new namespaces: /run of the user's own over the machine's, lo up. */
static void furnish(void) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) die("cannot make the mount namespace private");
    int old = syscall(SYS_open_tree, AT_FDCWD, "/run", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (old < 0) die("cannot take the machine's /run along");
    if (mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755")) die("cannot mount a /run of the user's own");
    if (mkdir("/run/.machine", 0755)) die("mkdir /run/.machine");
    if (syscall(SYS_move_mount, old, "", AT_FDCWD, "/run/.machine", MOVE_MOUNT_F_EMPTY_PATH)) die("cannot put the machine's /run at /run/.machine");
    close(old);
    DIR *d = opendir("/run/.machine");
    if (!d) die("opendir /run/.machine");
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        // the machine's namespaces, nslab's state and Open vSwitch are root's: the user has their own or none
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "netns") || !strcmp(n, "nslab") || !strcmp(n, "openvswitch")) continue;
        char link[512], target[512];
        snprintf(link, sizeof link, "/run/%s", n);
        snprintf(target, sizeof target, ".machine/%s", n);
        if (symlink(target, link)) die("cannot link %s", link);
    }
    closedir(d);
    if (mkdir("/run/netns", 0755) || mkdir("/run/nslab", 0711)) die("cannot make /run/netns and /run/nslab");
    // a shared mount, as ip netns makes it: a namespace named by any process here is seen by every other
    if (mount("/run/netns", "/run/netns", NULL, MS_BIND, NULL) || mount(NULL, "/run/netns", NULL, MS_SHARED, NULL)) die("cannot share /run/netns");
    own_names();
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr = {0};
    strcpy(ifr.ifr_name, "lo");
    if (sock < 0 || ioctl(sock, SIOCGIFFLAGS, &ifr)) die("cannot look at lo");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(sock, SIOCSIFFLAGS, &ifr)) die("cannot set lo up");
    close(sock);
}

/*
 * Joins the user namespace of the user's rootless podman (started by `podman unshare` when it does not run yet: podman's
 * own pause process keeps it), so that the containers of a lab's image nodes, which rootless podman runs in that user
 * namespace, and the lab's namespaces are of one user namespace: podman can join a node's network namespace, and nslab
 * can enter a container. Its ids are podman's: 0 is the user, the others the user's subordinate ids. Returns 0 when
 * joined; -1 when there is no podman (or it failed), and the caller makes a user namespace of its own.
 */
static int join_podman_userns(void) {
    int out[2], in[2];
    if (pipe2(out, O_CLOEXEC) || pipe2(in, O_CLOEXEC)) return -1;
    pid_t c = fork();
    if (c < 0) return -1;
    if (c == 0) {
        int quiet = open("/dev/null", O_WRONLY);
        if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || quiet < 0 || dup2(quiet, 2) < 0) _exit(127);
        execlp("podman", "podman", "unshare", "sh", "-c", "echo $$; exec cat", (char *) NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    char buf[32] = {0};
    size_t got = 0;
    struct pollfd pf = {.fd = out[0], .events = POLLIN};
    // podman's first run for a user (its storage made, its pause process started) takes a few seconds at most
    while (got < sizeof buf - 1 && !memchr(buf, '\n', got) && poll(&pf, 1, 60000) == 1) {
        ssize_t n = read(out[0], buf + got, sizeof buf - 1 - got);
        if (n <= 0) break;
        got += (size_t) n;
    }
    int joined = -1;
    long pid = strtol(buf, NULL, 10);
    if (pid > 1 && memchr(buf, '\n', got)) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld/ns/user", pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0 && !same_ns(path, "/proc/self/ns/user")) joined = setns(fd, CLONE_NEWUSER);
        if (fd >= 0) close(fd);
    }
    close(in[1]); // cat ends, and with it podman's unshare
    close(out[0]);
    waitpid(c, NULL, 0);
    errno = 0;
    return joined;
}

/* Starts the pause process (a daemon of the user's) and returns its pid once its namespaces are ready. */
static pid_t start_pause(const char dir[256], int lock) {
    uid_t uid = getuid();
    gid_t gid = getgid();
    int ready[2];
    if (pipe2(ready, O_CLOEXEC)) die("pipe");
    pid_t first = fork();
    if (first < 0) die("fork");
    if (first == 0) {
        close(ready[0]);
        close(lock); // the caller's: held by the pause, it would lock every later command out
        // and every other file the command was given (a shell's pipe, for one): the pause outlives the command, and
        // would keep whoever reads that pipe waiting for as long as the user has labs
        for (int fd = 3; fd < 1024; fd++) if (fd != ready[1]) close(fd);
        setsid();
        pid_t p = fork();
        if (p < 0) _exit(FAIL);
        if (p > 0) _exit(0); // the pause is nobody's child but init's: it outlives the command that started it
        char map[64];
        struct passwd *pw = getpwuid(uid);
        struct group *gr = getgrgid(gid);
        snprintf(me_passwd, sizeof me_passwd, "%s:x:0:0:%s:%s:%s", pw ? pw->pw_name : "user", pw ? pw->pw_name : "user",
                 pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : "/", pw && pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh");
        snprintf(me_group, sizeof me_group, "%s:x:0:", gr ? gr->gr_name : (pw ? pw->pw_name : "user"));
        podman_userns = join_podman_userns() == 0;
        if (!podman_userns) {
            if (unshare(CLONE_NEWUSER)) die("cannot make a user namespace (is kernel.unprivileged_userns_clone or user.max_user_namespaces 0?)");
            write_file("/proc/self/setgroups", "deny");
            snprintf(map, sizeof map, "0 %u 1\n", (unsigned) uid);
            write_file("/proc/self/uid_map", map);
            snprintf(map, sizeof map, "0 %u 1\n", (unsigned) gid);
            write_file("/proc/self/gid_map", map);
        }
        if (unshare(CLONE_NEWNS | CLONE_NEWNET)) die("cannot make a mount and network namespace");
        furnish();
        char path[512], tmp[512], text[32];
        snprintf(path, sizeof path, "%s/rootless.pid", dir);
        snprintf(tmp, sizeof tmp, "%s/.rootless.pid.%d", dir, (int) getpid());
        snprintf(text, sizeof text, "%d\n", (int) getpid());
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t) strlen(text) || close(fd) || rename(tmp, path)) die("cannot note %s", path);
        int quiet = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (quiet < 0 || dup2(quiet, 0) < 0 || dup2(quiet, 1) < 0 || dup2(quiet, 2) < 0) _exit(FAIL);
        if (chdir("/")) _exit(FAIL);
        struct sigaction sa = {0};
        sa.sa_handler = on_pause_term;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGHUP, SIG_IGN);
        if (write(ready[1], "r", 1) != 1) _exit(FAIL);
        close(ready[1]);
        // ends once nothing of the user's is left in it, seen twice a second apart (a command about to join has the
        // lock, and joins within milliseconds of the pid being noted; the first 10 s are granted all the same)
        time_t born = time(NULL);
        int quiet_checks = 0;
        while (!stop_pause) {
            struct timespec one = {1, 0};
            nanosleep(&one, NULL);
            quiet_checks = idle() ? quiet_checks + 1 : 0;
            if (quiet_checks >= 2 && time(NULL) - born >= 10) {
                int lock = open_lock(dir);
                if (lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) == 0 && idle()) {
                    if (noted_pause(dir) == getpid()) unlink(path);
                    _exit(0);
                }
                if (lock >= 0) close(lock);
            }
        }
        if (noted_pause(dir) == getpid()) unlink(path);
        _exit(0);
    }
    close(ready[1]);
    int st;
    waitpid(first, &st, 0);
    char r;
    if (read(ready[0], &r, 1) != 1) { errno = 0; die("the user's namespaces were not made (see above)"); }
    close(ready[0]);
    pid_t p = noted_pause(dir);
    if (!p) { errno = 0; die("the user's namespace process is not where it was noted (%s)", dir); }
    return p;
}

/*
 * nslab ui of a normal user: the page's socket, listening in the machine's network namespace (where the user's
 * browser is), made before the user's namespaces are joined and handed to the JVM as its standard input (Java's
 * inherited channel). AT is HOST:PORT or HOST:FIRST-LAST (the first free port of those).
 */
static void listen_for_page(const char *at) {
    char host[256];
    const char *colon = strrchr(at, ':');
    if (!colon || (size_t) (colon - at) >= sizeof host) { errno = 0; die("--listen takes ADDR:PORT, not \"%s\"", at); }
    memcpy(host, at, colon - at);
    host[colon - at] = 0;
    char *h = host;
    if (*h == '[' && h[strlen(h) - 1] == ']') { h[strlen(h) - 1] = 0; h++; }
    char *end;
    long first = strtol(colon + 1, &end, 10), last = first;
    if (*end == '-') last = strtol(end + 1, &end, 10);
    if (*end || first < 0 || last < first || last > 65535) { errno = 0; die("--listen's port is a number from 0 to 65535, not \"%s\"", colon + 1); }
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM}, *ai;
    if (getaddrinfo(h, NULL, &hints, &ai)) { errno = 0; die("--listen: \"%s\" is not an IP address", h); }
    int fd = -1;
    for (long port = first; port <= last; port++) {
        if (ai->ai_family == AF_INET) ((struct sockaddr_in *) ai->ai_addr)->sin_port = htons((unsigned short) port);
        else ((struct sockaddr_in6 *) ai->ai_addr)->sin6_port = htons((unsigned short) port);
        fd = socket(ai->ai_family, SOCK_STREAM, 0); // inherited by the JVM: no close-on-exec
        int one = 1;
        if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)) die("socket");
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        int e = errno;
        close(fd);
        fd = -1;
        errno = e;
        if (e != EADDRINUSE || port == last) die("cannot listen at %s:%ld (choose another with --listen ADDR:PORT; port 0: any free port)", h, port);
    }
    freeaddrinfo(ai);
    if (listen(fd, 128) || dup2(fd, 0) < 0) die("cannot listen for the page");
    if (fd != 0) close(fd);
}

static int cmd_rootless(int argc, char **argv) {
    int first = 2;
    if (first < argc && !strcmp(argv[first], "--")) first++;
    if (first >= argc) { errno = 0; die("usage: nslab-host rootless [--] COMMAND [ARG...]"); }
    int inside = getenv("NSLAB_ROOTLESS") && !same_ns("/proc/self/ns/user", "/proc/1/ns/user");
    if (!inside && !(geteuid() == 0 && same_ns("/proc/self/ns/user", "/proc/1/ns/user"))) {
        uid_t uid = getuid();
        gid_t gid = getgid();
        char dir[256], cwd[4096];
        if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "/");
        runtime_dir(dir, sizeof dir);
        const char *page = getenv("NSLAB_UI_LISTEN");
        if (page && *page) listen_for_page(page);
        for (int attempt = 0;; attempt++) {
            int lock = open_lock(dir);
            if (lock < 0 || flock(lock, LOCK_EX)) die("cannot lock %s/rootless.lock", dir);
            pid_t pause = noted_pause(dir);
            if (!pause) pause = start_pause(dir, lock);
            int pidfd = syscall(SYS_pidfd_open, pause, 0);
            int joined = pidfd >= 0 && setns(pidfd, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET) == 0;
            int e = errno;
            close(lock);
            if (joined) break;
            errno = e;
            if (attempt >= 2) die("cannot join the user's namespaces (process %d)", pause);
        }
        if (chdir(cwd) && chdir("/")) die("chdir");
        // podman's user namespace (it maps more than the user's id): podman runs here as inside `podman unshare`
        FILE *m = fopen("/proc/self/uid_map", "re");
        char line[128];
        int lines = 0;
        while (m && fgets(line, sizeof line, m)) lines++;
        if (m) fclose(m);
        if (lines > 1) {
            char id[16];
            setenv("_CONTAINERS_USERNS_CONFIGURED", "done", 1);
            snprintf(id, sizeof id, "%u", (unsigned) uid);
            setenv("_CONTAINERS_ROOTLESS_UID", id, 1);
            snprintf(id, sizeof id, "%u", (unsigned) gid);
            setenv("_CONTAINERS_ROOTLESS_GID", id, 1);
        }
    }
    errno = 0;
    unsetenv("NSLAB_UI_LISTEN");
    setenv("NSLAB_ROOTLESS", "1", 1);
    execvp(argv[first], argv + first);
    int e = errno;
    fprintf(stderr, "nslab-host: cannot run %s: %s\n", argv[first], strerror(e));
    return e == ENOENT ? 127 : 126;
}

int main(int argc, char **argv) {
    errno = 0;
    if (argc >= 2 && !strcmp(argv[1], "userns")) return cmd_userns(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "init")) return cmd_init(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "enter")) return cmd_enter(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "rootless")) return cmd_rootless(argc, argv);
    fprintf(stderr, "usage: nslab-host userns PIN BASE COUNT | init ... | enter PID [--] COMMAND [ARG...] | rootless [--] COMMAND [ARG...]\n");
    return FAIL;
}
