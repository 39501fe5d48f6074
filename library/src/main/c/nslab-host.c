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
 *
 * Exit status 125 when nslab-host itself fails (the message says why), else the command's (enter).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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
        char opts[16384];
        snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", lowerdir, upper, work);
        if (mount("overlay", merged, "overlay", 0, opts)) die("cannot mount the node's file system (overlay)");
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

int main(int argc, char **argv) {
    errno = 0;
    if (argc >= 2 && !strcmp(argv[1], "userns")) return cmd_userns(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "init")) return cmd_init(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "enter")) return cmd_enter(argc, argv);
    fprintf(stderr, "usage: nslab-host userns PIN BASE COUNT | init ... | enter PID [--] COMMAND [ARG...]\n");
    return FAIL;
}
