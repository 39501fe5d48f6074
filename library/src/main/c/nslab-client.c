/*
 * nslab-client: asks a resident nslab helper (nslab helper start) to run one command, so a command typed by hand does
 * not pay for a JVM's start. The helper decides what it serves; for anything else (or when no helper answers) this
 * program becomes the command it was given as the fallback, so the result is the same either way.
 *
 *   nslab-client SOCKET N ARG1..ARGN FALLBACK-PROGRAM FALLBACK-ARGS...
 *
 * Called "nslab" (an installed package's /usr/bin/nslab is a link to it), it is the command's entry: the machine's
 * root's command goes to the resident helper straight away, without a shell, and everything else, or a command the
 * helper does not serve, becomes the launcher script beside this program (DIR/nslab), which does as it always does.
 *
 * The request and the answer's framing are described in the Java side (dev.nslab.helper.Request and Frames); the
 * identity string must be built exactly as dev.nslab.helper.Identity builds it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

static char **fallback_argv;

static void fall_back(void) {
    signal(SIGPIPE, SIG_DFL); /* the command that runs instead gets the default, as from a shell */
    execv(fallback_argv[0], fallback_argv);
    fprintf(stderr, "nslab: cannot run %s: %s\n", fallback_argv[0], strerror(errno));
    _exit(127);
}

struct buf { char *p; size_t len, cap; };

static void put(struct buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) fall_back();
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len++] = '\0';
}

static void put_str(struct buf *b, const char *s) { put(b, s, strlen(s)); }

/* the variables the helper compares with its own (dev.nslab.helper.Identity.environment) */
static int relevant(const char *e) {
    return !strncmp(e, "NSLAB_", 6) || !strncmp(e, "OVS_", 4) || !strncmp(e, "COLORFGBG=", 10);
}

static void put_num(struct buf *b, long n) {
    char t[32];
    put(b, t, (size_t)snprintf(t, sizeof t, "%ld", n));
}

static void link_of(const char *path, char *out, size_t size) {
    ssize_t n = readlink(path, out, size - 1);
    if (n < 0) strcpy(out, "?"); else out[n] = '\0';
}

static int read_full(int fd, void *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)p + got, n - got);
        if (r == 0) return 0;
        if (r < 0) { if (errno == EINTR) continue; return 0; }
        got += (size_t)r;
    }
    return 1;
}

static void write_full(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; return; } /* a closed pipe: drop the rest, as the JVM does */
        p += w;
        n -= (size_t)w;
    }
}

static int ask(const char *socket_path, int n, char **args);

/*
 * The installed entry: the launcher script beside this program is the fallback for everything. Only what the
 * launcher would send the helper itself is sent from here: the machine's root (not root of a user's namespace), a
 * helper that may be asked (NSLAB_HELPER not "off", its socket there), a command that is not the launcher's own
 * (rootless, helper, ui), and the environment the launcher would give it (NSLAB_TOOLS, the helper compares it).
 */
static int entry(int argc, char **argv) {
    static char launcher[4096];
    ssize_t len = readlink("/proc/self/exe", launcher, sizeof launcher - 8);
    char *slash = len > 0 ? memrchr(launcher, '/', (size_t)len) : NULL;
    if (!slash) { fprintf(stderr, "nslab: cannot tell where it is installed (/proc/self/exe)\n"); return 127; }
    *slash = '\0';
    if (!getenv("NSLAB_TOOLS")) setenv("NSLAB_TOOLS", launcher, 1);
    strcat(launcher, "/nslab");
    fallback_argv = calloc((size_t)argc + 1, sizeof *fallback_argv);
    if (!fallback_argv) return 127;
    fallback_argv[0] = launcher;
    for (int i = 1; i < argc; i++) fallback_argv[i] = argv[i];

    const char *helper = getenv("NSLAB_HELPER");
    if (geteuid() != 0 || argc < 2 || (helper && !strcmp(helper, "off"))) fall_back();
    if (!strcmp(argv[1], "rootless") || !strcmp(argv[1], "helper") || !strcmp(argv[1], "ui")) fall_back();
    FILE *f = fopen("/proc/self/uid_map", "r");
    if (!f) fall_back();
    unsigned long inside, outside, count;
    int fields = fscanf(f, "%lu %lu %lu", &inside, &outside, &count);
    fclose(f);
    if (fields != 3 || inside != 0 || outside != 0 || count != 4294967295UL) fall_back();
    char sock[4096];
    const char *given = getenv("NSLAB_HELPER_SOCKET"), *state = getenv("NSLAB_STATE_DIR");
    if (given && *given) snprintf(sock, sizeof sock, "%s", given);
    else snprintf(sock, sizeof sock, "%s/helper.sock", state && *state ? state : "/run/nslab");
    return ask(sock, argc - 1, argv + 1);
}

int main(int argc, char **argv) {
    const char *name = strrchr(argv[0], '/');
    if (!strcmp(name ? name + 1 : argv[0], "nslab")) return entry(argc, argv);
    if (argc < 4) { fprintf(stderr, "usage: nslab-client SOCKET N ARGS... FALLBACK...\n"); return 127; }
    int n = atoi(argv[2]);
    if (n < 0 || 3 + n >= argc) { fprintf(stderr, "nslab-client: no fallback command\n"); return 127; }
    fallback_argv = argv + 3 + n;
    return ask(argv[1], n, argv + 3);
}

/* Asks the helper at {@code socket_path} to run ARGS; becomes the fallback command where it does not. */
static int ask(const char *socket_path, int n, char **args) {
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(socket_path) >= sizeof addr.sun_path) fall_back();
    strcpy(addr.sun_path, socket_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) fall_back();
    /* only a helper of our own user: a socket somebody else put in our way is not asked */
    struct ucred peer;
    socklen_t plen = sizeof peer;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &plen) < 0 || peer.uid != geteuid()) { close(fd); fall_back(); }

    struct buf b = {0};
    put_str(&b, "nslab-helper/2");
    put_str(&b, "run");
    static const char *ns[] = { "net", "mnt", "pid", "user", "uts", "ipc", "cgroup" };
    char id[1024] = "", l[256], path[64];
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
        snprintf(path, sizeof path, "/proc/self/ns/%s", ns[i]);
        link_of(path, l, sizeof l);
        strcat(id, l);
        strcat(id, " ");
    }
    link_of("/proc/self/root", l, sizeof l);
    strcat(id, "root:");
    strcat(id, l);
    put_str(&b, id);
    char cwd[4096];
    put_str(&b, getcwd(cwd, sizeof cwd) ? cwd : "?");
    /* whether this is a terminal session (what Java's console says of a process of its own): progress as a bar */
    int terminal = isatty(0) && isatty(1);
    long envs = terminal;
    for (char **e = environ; *e; e++) if (relevant(*e)) envs++;
    put_num(&b, envs);
    for (char **e = environ; *e; e++) if (relevant(*e)) put_str(&b, *e);
    if (terminal) put_str(&b, "NSLAB_HELPER_TERMINAL=1");
    put_num(&b, n);
    for (int i = 0; i < n; i++) put_str(&b, args[i]);
    size_t off = 0;
    while (off < b.len) {
        /* a helper that does not serve this process hangs up without reading: no SIGPIPE, the command runs here */
        ssize_t w = send(fd, b.p + off, b.len - off, MSG_NOSIGNAL);
        if (w < 0) { if (errno == EINTR) continue; close(fd); fall_back(); }
        off += (size_t)w;
    }

    signal(SIGPIPE, SIG_IGN);
    int answered = 0;
    char *data = NULL;
    for (;;) {
        unsigned char head[5];
        if (!read_full(fd, head, sizeof head)) break;
        uint32_t len = (uint32_t)head[1] << 24 | (uint32_t)head[2] << 16 | (uint32_t)head[3] << 8 | head[4];
        if (len > (1u << 30)) break;
        data = realloc(data, len ? len : 1);
        if (!data || !read_full(fd, data, len)) break;
        switch (head[0]) {
        case 'F':
            if (answered) break;
            close(fd);
            fall_back();
            break;
        case 'O': answered = 1; write_full(1, data, len); break;
        case 'E': answered = 1; write_full(2, data, len); break;
        case 'X':
            if (len == 4) return (int)((uint32_t)(unsigned char)data[0] << 24 | (uint32_t)(unsigned char)data[1] << 16
                                       | (uint32_t)(unsigned char)data[2] << 8 | (unsigned char)data[3]);
            break;
        }
    }
    /* no exit status: the helper went away. Before any output the command can run here instead: a read, or a lab's
       up, down or batch, which, run again, goes on from the lab's state as it finds it (made or not). */
    if (!answered) { close(fd); fall_back(); }
    fprintf(stderr, "nslab: the helper ended before the command did\n");
    return 1;
}
