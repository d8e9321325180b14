/*
 * init.c - PID 1 of the Linux test guest: the guest side of the
 * end-to-end tests.  Built static (riscv64-linux-gnu-gcc -static -O2) by
 * tests/guest/build-linux and run from the initramfs.
 *
 * What it does is chosen by qb.KEY=VALUE words on the kernel command line
 * (read from /proc/cmdline).  The steps run in this order, each only when
 * asked for:
 *
 *   qb.loglevel=N      console log level after start-up (default 4: only
 *                      kernel errors, so that driver messages do not land
 *                      in the middle of our lines)
 *   qb.dhcp=1          run our own DHCP client on every interface that has
 *                      no address (use instead of the kernel's ip=dhcp)
 *   qb.ping=IP[,IP..]  ping each address (raw ICMP socket, 1 s per try)
 *   qb.count=N         tries per ping (default 5; the first reply wins)
 *   qb.tcp=IP:PORT     connect to a tcp_peer.py server and move data:
 *   qb.rx=BYTES        ... bytes to receive (host->guest, default 1 MiB)
 *   qb.tx=BYTES        ... bytes to send (guest->host, default 1 MiB)
 *   qb.banner=1        ... the server is another guest in listen mode: read
 *                      its "QBLISTEN hello" banner first
 *   qb.listen=PORT     serve qb.conns connections (default 1) on PORT
 *   qb.conns=N
 *   qb.hotplug=N       watch /sys/class/net every 100 ms until N
 *                      interfaces have appeared and gone again; each new
 *                      one is brought up, leased by DHCP and pinged
 *                      (qb.ping's first address, else the DHCP server).
 *                      The virt machine has only INTx, which pciehp
 *                      shares with the device below the port; add
 *                      pciehp.pciehp_poll_mode=1 or unplug deadlocks in
 *                      the guest kernel (see tests/functional/guest.py)
 *   qb.settle=MS       after the hotplug cycles, wait MS (default 3000) so
 *                      that pciehp finishes powering the slot off (the
 *                      emulator completes device_del only then)
 *   qb.show=PATH[,..]  print these files line by line (e.g.
 *                      /proc/interrupts), for debugging
 *   qb.idle=SECONDS    sleep quietly (0: for ever)
 *   qb.poweroff=1      power off at the end (the emulator exits 0);
 *                      otherwise init sleeps for ever
 *   qb.timeout=S       limit of one network operation (default 30)
 *   qb.wait=S          limit of a listen or hotplug wait (default 300)
 *
 * Output: one line per event on the console, each `QB: <event> ...` with
 * key=value fields, written with one write(2):
 *
 *   QB: ready uptime_ms=U cpus=N mem_kb=K kernel=RELEASE
 *   QB: iface NAME mac=MAC ip=A.B.C.D/P|none
 *   QB: dhcp NAME lease ip=A.B.C.D/P server=S lease_s=L ms=T
 *   QB: ping IP ok rtt_us=R tries=N [dev=NAME]
 *   QB: ping IP fail tries=N [dev=NAME]
 *   QB: tcp connected IP:PORT ms=T
 *   QB: tcp rx bytes=N intact=yes|no [first_bad=OFFSET] ms=T
 *   QB: tcp tx bytes=N ms=T peer_bytes=N peer_intact=yes|no
 *   QB: listen port=P ready
 *   QB: listen accept from=IP:PORT
 *   QB: listen served from=IP:PORT sent=N got=N got_intact=yes|no ms=T
 *   QB: hotplug watching present=NAME,..|none
 *   QB: hotplug appear NAME mac=MAC uptime_ms=U
 *   QB: hotplug disappear NAME uptime_ms=U
 *   QB: hotplug done cycles=N
 *   QB: show PATH: LINE         (one per line of the file)
 *   QB: idle seconds=S          (then nothing until)  QB: idle done
 *   QB: error <what>: <why>     (any failure; the run goes on)
 *   QB: done errors=N
 *   QB: poweroff
 *
 * The TCP exchange (also spoken by tests/functional/tcp_peer.py):
 *   client -> server   "QBTCP rx=N tx=M\n"   (sizes as the client sees them)
 *   server -> client   N bytes of the pattern
 *   client -> server   M bytes of the pattern, then shutdown(SHUT_WR)
 *   server -> client   "QBTCP got=M intact=yes|no\n", close
 * In listen mode the guest first sends the banner "QBLISTEN hello\n"; a
 * client that then closes gets nothing more.
 *
 * The pattern: 4096-byte blocks; block k starts with k as a little-endian
 * u64, the other 4088 bytes are bytes 8..4095 of a fixed filler whose byte
 * i is the top byte of the i+1-th xorshift32 (13, 17, 5) state from seed
 * 0x2545F491.  Whoever receives compares every byte with the pattern:
 * intact=yes means all of them matched, first_bad is the stream offset of
 * the first one that did not.  (The check used to be a CRC-32, which cost
 * the guest more CPU than the network stack and so made the throughput
 * figures measure the CPU; a compare is exact and costs a few percent.)
 *
 * Nothing here waits without a limit: sockets have SO_RCVTIMEO/SO_SNDTIMEO,
 * connects and accepts are polled.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define MAX_PINGS   8
#define MAX_IFACES  32
#define BLOCK       4096
#define IO_CHUNK    (64 * 1024)

static struct {
    int loglevel;
    int dhcp;
    struct in_addr ping[MAX_PINGS];
    int nping;
    int count;
    struct sockaddr_in tcp;
    int have_tcp;
    int banner;             /* the tcp server is a guest in listen mode */
    unsigned long long rx, tx;
    int listen_port;
    int conns;
    int hotplug;
    int settle_ms;
    char show[256];
    long idle;              /* -1: no idle step */
    int poweroff;
    int timeout_s;
    int wait_s;
} cfg = {
    .loglevel = 4, .count = 5, .rx = 1 << 20, .tx = 1 << 20,
    .conns = 1, .idle = -1, .settle_ms = 3000, .timeout_s = 30, .wait_s = 300,
};

static int errors;
/* aligned like the pattern's blocks: see recv_checked() */
static unsigned char io_buf[IO_CHUNK] __attribute__((aligned(64)));

/* -- output ---------------------------------------------------------------- */

static void say(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int n = snprintf(line, sizeof(line), "QB: ");

    va_start(ap, fmt);
    n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n++] = '\n';
    for (int off = 0; off < n;) {
        ssize_t w = write(1, line + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += w;
    }
}

#define fail(...) do { errors++; say("error " __VA_ARGS__); } while (0)

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long uptime_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double ms_since(int64_t start_us)
{
    return (now_us() - start_us) / 1000.0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static const char *ip_str(struct in_addr a)
{
    static char bufs[4][INET_ADDRSTRLEN];
    static int next;
    char *b = bufs[next++ & 3];
    inet_ntop(AF_INET, &a, b, INET_ADDRSTRLEN);
    return b;
}

static int prefix_len(struct in_addr mask)
{
    return __builtin_popcount(mask.s_addr);
}

/* -- the data pattern (see the top of the file) --------------------------- */

static unsigned char filler[BLOCK];

static void pattern_init(void)
{
    uint32_t x = 0x2545F491u;
    for (int i = 0; i < BLOCK; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        filler[i] = x >> 24;
    }
}

static void set_block_number(unsigned char *block, uint64_t k)
{
    for (int i = 0; i < 8; i++)
        block[i] = k >> (8 * i);
}

/* Fills BUF (a multiple of BLOCK long) with the pattern from block FIRST. */
static void pattern_fill(unsigned char *buf, size_t len, uint64_t first)
{
    for (size_t off = 0; off < len; off += BLOCK) {
        memcpy(buf + off, filler, BLOCK);
        set_block_number(buf + off, first + off / BLOCK);
    }
}

/* A received stream compared with the pattern as it arrives. */
typedef struct {
    unsigned long long pos;         /* stream offset of the next byte */
    long long first_bad;            /* -1 while every byte matched */
    unsigned char expect[BLOCK] __attribute__((aligned(64)));
} PatternCheck;

static void check_start(PatternCheck *c)
{
    c->pos = 0;
    c->first_bad = -1;
    memcpy(c->expect, filler, BLOCK);
}

static void check_feed(PatternCheck *c, const unsigned char *buf, size_t n)
{
    while (n && c->first_bad < 0) {
        size_t in_block = c->pos % BLOCK;
        size_t run = BLOCK - in_block < n ? BLOCK - in_block : n;
        const unsigned char *want = c->expect + in_block;

        set_block_number(c->expect, c->pos / BLOCK);
        if (memcmp(buf, want, run) != 0) {
            size_t i = 0;
            while (buf[i] == want[i])
                i++;
            c->first_bad = c->pos + i;
        }
        c->pos += run;
        buf += run;
        n -= run;
    }
    c->pos += n;
}

static const char *yes_no(int b)
{
    return b ? "yes" : "no";
}

/* -- command line ---------------------------------------------------------- */

static int parse_ulong(const char *key, const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    *out = strtoull(s, &end, 0);
    if (errno || end == s || *end) {
        fail("cmdline qb.%s: bad number '%s'", key, s);
        return -1;
    }
    return 0;
}

static void parse_option(const char *key, const char *val)
{
    unsigned long long n = 0;

    if (!strcmp(key, "ping")) {
        char copy[256];
        snprintf(copy, sizeof(copy), "%s", val);
        for (char *save, *tok = strtok_r(copy, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            if (cfg.nping == MAX_PINGS || !inet_aton(tok, &cfg.ping[cfg.nping]))
                fail("cmdline qb.ping: bad or too many addresses '%s'", tok);
            else
                cfg.nping++;
        }
    } else if (!strcmp(key, "show")) {
        snprintf(cfg.show, sizeof(cfg.show), "%s", val);
    } else if (!strcmp(key, "tcp")) {
        char host[64];
        const char *colon = strrchr(val, ':');
        if (!colon || colon - val >= (int)sizeof(host) ||
            parse_ulong("tcp port", colon + 1, &n) || n == 0 || n > 65535) {
            fail("cmdline qb.tcp: want IP:PORT, got '%s'", val);
            return;
        }
        memcpy(host, val, colon - val);
        host[colon - val] = 0;
        cfg.tcp.sin_family = AF_INET;
        cfg.tcp.sin_port = htons(n);
        if (!inet_aton(host, &cfg.tcp.sin_addr)) {
            fail("cmdline qb.tcp: bad address '%s'", host);
            return;
        }
        cfg.have_tcp = 1;
    } else if (parse_ulong(key, val, &n)) {
        return;
    } else if (!strcmp(key, "rx")) {
        cfg.rx = n;
    } else if (!strcmp(key, "tx")) {
        cfg.tx = n;
    } else if (!strcmp(key, "loglevel")) {
        cfg.loglevel = n;
    } else if (!strcmp(key, "dhcp")) {
        cfg.dhcp = n;
    } else if (!strcmp(key, "count")) {
        cfg.count = n ? n : 1;
    } else if (!strcmp(key, "listen")) {
        cfg.listen_port = n;
    } else if (!strcmp(key, "conns")) {
        cfg.conns = n;
    } else if (!strcmp(key, "banner")) {
        cfg.banner = n;
    } else if (!strcmp(key, "hotplug")) {
        cfg.hotplug = n;
    } else if (!strcmp(key, "settle")) {
        cfg.settle_ms = n;
    } else if (!strcmp(key, "idle")) {
        cfg.idle = n;
    } else if (!strcmp(key, "poweroff")) {
        cfg.poweroff = n;
    } else if (!strcmp(key, "timeout")) {
        cfg.timeout_s = n ? n : 1;
    } else if (!strcmp(key, "wait")) {
        cfg.wait_s = n ? n : 1;
    } else {
        fail("cmdline unknown key qb.%s", key);
    }
}

static void parse_cmdline(void)
{
    char line[4096];
    int fd = open("/proc/cmdline", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, line, sizeof(line) - 1);

    if (fd >= 0)
        close(fd);
    if (n < 0) {
        fail("cmdline: cannot read /proc/cmdline: %s", strerror(errno));
        return;
    }
    line[n] = 0;
    for (char *save, *word = strtok_r(line, " \t\n", &save); word;
         word = strtok_r(NULL, " \t\n", &save)) {
        if (strncmp(word, "qb.", 3))
            continue;
        char *eq = strchr(word, '=');
        if (!eq) {
            fail("cmdline %s: want qb.KEY=VALUE", word);
            continue;
        }
        *eq = 0;
        parse_option(word + 3, eq + 1);
    }
}

/* -- start-up -------------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, text, strlen(text)) < 0)
        fail("write %s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
}

static void setup(void)
{
    static const struct { const char *src, *dir, *type; } mounts[] = {
        { "proc", "/proc", "proc" },
        { "sysfs", "/sys", "sysfs" },
        { "devtmpfs", "/dev", "devtmpfs" },
        { "tmpfs", "/tmp", "tmpfs" },
    };

    /* The kernel opened the console for us if /dev/console exists. */
    if (fcntl(1, F_GETFD) < 0) {
        int fd = open("/dev/console", O_RDWR);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
            if (fd > 2)
                close(fd);
        }
    }
    signal(SIGPIPE, SIG_IGN);
    for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
        mkdir(mounts[i].dir, 0755);
        if (mount(mounts[i].src, mounts[i].dir, mounts[i].type, 0, NULL) < 0 &&
            errno != EBUSY)
            fail("mount %s: %s", mounts[i].dir, strerror(errno));
    }
}

/* -- interfaces ------------------------------------------------------------ */

static int ctl_sock(void)
{
    static int fd = -1;
    if (fd < 0)
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    return fd;
}

/* Names of the interfaces in /sys/class/net but lo, sorted. */
static int list_ifaces(char names[][IFNAMSIZ], int max)
{
    DIR *d = opendir("/sys/class/net");
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) && n < max) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "lo") ||
            strlen(e->d_name) >= IFNAMSIZ)
            continue;
        snprintf(names[n++], IFNAMSIZ, "%s", e->d_name);
    }
    closedir(d);
    qsort(names, n, IFNAMSIZ, (int (*)(const void *, const void *))strcmp);
    return n;
}

static int read_mac(const char *dev, unsigned char mac[6], char *text)
{
    char path[64], buf[32] = "";
    unsigned int m[6];

    snprintf(path, sizeof(path), "/sys/class/net/%s/address", dev);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 17 || sscanf(buf, "%x:%x:%x:%x:%x:%x",
                         &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = m[i];
    if (text)
        snprintf(text, 18, "%.17s", buf);
    return 0;
}

static int iface_up(const char *dev)
{
    struct ifreq ifr = { 0 };
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
    if (ioctl(ctl_sock(), SIOCGIFFLAGS, &ifr) < 0)
        return -1;
    ifr.ifr_flags |= IFF_UP;
    return ioctl(ctl_sock(), SIOCSIFFLAGS, &ifr);
}

static int iface_addr(const char *dev, struct in_addr *addr, struct in_addr *mask)
{
    struct ifreq ifr = { 0 };
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
    if (ioctl(ctl_sock(), SIOCGIFADDR, &ifr) < 0)
        return -1;
    *addr = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
    if (ioctl(ctl_sock(), SIOCGIFNETMASK, &ifr) < 0)
        return -1;
    *mask = ((struct sockaddr_in *)&ifr.ifr_netmask)->sin_addr;
    return 0;
}

static int iface_set_addr(const char *dev, struct in_addr addr, struct in_addr mask)
{
    struct ifreq ifr = { 0 };
    struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
    sin->sin_family = AF_INET;
    sin->sin_addr = addr;
    if (ioctl(ctl_sock(), SIOCSIFADDR, &ifr) < 0)
        return -1;
    sin->sin_addr = mask;       /* also adds the subnet route */
    return ioctl(ctl_sock(), SIOCSIFNETMASK, &ifr);
}

static void report_iface(const char *dev)
{
    unsigned char mac[6];
    char mac_text[18] = "?";
    struct in_addr addr, mask;

    read_mac(dev, mac, mac_text);
    if (iface_addr(dev, &addr, &mask) == 0)
        say("iface %s mac=%s ip=%s/%d", dev, mac_text, ip_str(addr),
            prefix_len(mask));
    else
        say("iface %s mac=%s ip=none", dev, mac_text);
}

/* -- sockets with limits --------------------------------------------------- */

static void set_timeouts(int fd, int seconds)
{
    struct timeval tv = { seconds, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static const char *io_error(ssize_t n)
{
    if (n == 0)
        return "connection closed";
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return "timeout";
    return strerror(errno);
}

/* Waits until FD is readable (or writable), at most MS; 1 ready, 0 not. */
static int wait_fd(int fd, short events, long ms)
{
    struct pollfd p = { fd, events, 0 };
    int64_t end = now_us() + ms * 1000;
    for (;;) {
        long left = (end - now_us()) / 1000;
        int r = poll(&p, 1, left > 0 ? left : 0);
        if (r >= 0 || errno != EINTR)
            return r > 0;
    }
}

static int send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

/* Reads one '\n'-terminated line (without it) into BUF. */
static int recv_line(int fd, char *buf, size_t size)
{
    size_t n = 0;
    while (n + 1 < size) {
        ssize_t r = recv(fd, buf + n, 1, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        if (buf[n] == '\n')
            break;
        n++;
    }
    buf[n] = 0;
    return n + 1 < size ? 0 : -1;
}

/* Sends LEN bytes of the pattern. */
static int send_pattern(int fd, unsigned long long len)
{
    uint64_t block = 0;
    while (len) {
        size_t n = len < IO_CHUNK ? len : IO_CHUNK;
        pattern_fill(io_buf, IO_CHUNK, block);
        if (send_all(fd, io_buf, n) < 0)
            return -1;
        block += IO_CHUNK / BLOCK;
        len -= n;
    }
    return 0;
}

/*
 * Receives up to LEN bytes (until EOF when EXACT is 0) and checks them
 * against the pattern; C->pos counts them.  Each read lands in io_buf at
 * the stream offset's place within a block, so the data and the expected
 * block share their alignment and memcmp compares whole words.
 */
static ssize_t recv_checked(int fd, unsigned long long len, int exact,
                            PatternCheck *c)
{
    check_start(c);
    while (c->pos < len) {
        size_t at = c->pos % BLOCK;
        unsigned long long want = len - c->pos;
        size_t room = IO_CHUNK - at;
        ssize_t n = recv(fd, io_buf + at, want < room ? want : room, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || (n == 0 && exact))
            return n;
        if (n == 0)
            break;
        check_feed(c, io_buf + at, n);
    }
    return 1;
}

static int tcp_connect(const struct sockaddr_in *sa, int seconds)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int err = 0;
    socklen_t len = sizeof(err);

    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
        if (errno != EINPROGRESS)
            goto fail;
        if (!wait_fd(fd, POLLOUT, seconds * 1000L)) {
            errno = ETIMEDOUT;
            goto fail;
        }
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
            errno = err;
            goto fail;
        }
    }
    fcntl(fd, F_SETFL, 0);
    set_timeouts(fd, seconds);
    return fd;
fail:
    err = errno;
    close(fd);
    errno = err;
    return -1;
}

/* -- ping ------------------------------------------------------------------ */

static uint16_t inet_csum(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (p[i] << 8) | p[i + 1];
    if (len & 1)
        sum += p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return htons(~sum & 0xffff);
}

/* Pings DST (through DEV when given); prints the result line. */
static int ping(struct in_addr dst, const char *dev)
{
    static uint16_t seq;
    char where[IFNAMSIZ + 8] = "";
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = dst };
    int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    int tries;

    if (dev)
        snprintf(where, sizeof(where), " dev=%s", dev);
    if (fd < 0) {
        fail("ping %s: socket: %s", ip_str(dst), strerror(errno));
        return -1;
    }
    if (dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, strlen(dev)) < 0) {
        fail("ping %s: bind to %s: %s", ip_str(dst), dev, strerror(errno));
        close(fd);
        return -1;
    }
    for (tries = 1; tries <= cfg.count; tries++) {
        unsigned char pkt[64] = { 0 };
        struct icmphdr *icmp = (struct icmphdr *)pkt;
        uint16_t id = 0x5142, my_seq = ++seq;
        int64_t sent = now_us(), end = sent + 1000000;

        icmp->type = ICMP_ECHO;
        icmp->un.echo.id = htons(id);
        icmp->un.echo.sequence = htons(my_seq);
        memcpy(pkt + sizeof(*icmp), "qemu-bridge test guest", 22);
        icmp->checksum = inet_csum(pkt, sizeof(pkt));
        if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
                   sizeof(to)) < 0) {
            /* No route or no neighbour yet: try again after the second. */
            sleep_ms(1000);
            continue;
        }
        while (now_us() < end) {
            unsigned char reply[1500];
            struct sockaddr_in from;
            socklen_t flen = sizeof(from);

            if (!wait_fd(fd, POLLIN, (end - now_us()) / 1000 + 1))
                break;
            ssize_t n = recvfrom(fd, reply, sizeof(reply), MSG_DONTWAIT,
                                 (struct sockaddr *)&from, &flen);
            if (n < (ssize_t)sizeof(struct iphdr))
                continue;
            size_t ihl = (reply[0] & 0x0f) * 4;
            if ((size_t)n < ihl + sizeof(struct icmphdr))
                continue;
            struct icmphdr *r = (struct icmphdr *)(reply + ihl);
            if (r->type == ICMP_ECHOREPLY && ntohs(r->un.echo.id) == id &&
                ntohs(r->un.echo.sequence) == my_seq &&
                from.sin_addr.s_addr == dst.s_addr) {
                say("ping %s ok rtt_us=%lld tries=%d%s", ip_str(dst),
                    (long long)(now_us() - sent), tries, where);
                close(fd);
                return 0;
            }
        }
    }
    close(fd);
    say("ping %s fail tries=%d%s", ip_str(dst), cfg.count, where);
    fail("ping %s: no reply%s", ip_str(dst), where);
    return -1;
}

/* -- DHCP client ----------------------------------------------------------- */

enum { DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE, DHCPACK, DHCPNAK };

struct lease {
    struct in_addr ip, mask, server, router;
    uint32_t seconds;
};

static size_t dhcp_build(unsigned char *p, int type, uint32_t xid,
                         const unsigned char mac[6], const struct lease *offer)
{
    size_t o = 240;

    memset(p, 0, 300);
    p[0] = 1;                       /* BOOTREQUEST */
    p[1] = 1;                       /* Ethernet */
    p[2] = 6;
    memcpy(p + 4, &xid, 4);
    p[10] = 0x80;                   /* broadcast replies: we have no address */
    memcpy(p + 28, mac, 6);
    memcpy(p + 236, "\x63\x82\x53\x63", 4);
    p[o++] = 53, p[o++] = 1, p[o++] = type;
    p[o++] = 61, p[o++] = 7, p[o++] = 1;
    memcpy(p + o, mac, 6), o += 6;
    p[o++] = 55, p[o++] = 4, p[o++] = 1, p[o++] = 3, p[o++] = 51, p[o++] = 54;
    if (type == DHCPREQUEST) {
        p[o++] = 50, p[o++] = 4;
        memcpy(p + o, &offer->ip, 4), o += 4;
        p[o++] = 54, p[o++] = 4;
        memcpy(p + o, &offer->server, 4), o += 4;
    }
    p[o++] = 255;
    return o < 300 ? 300 : o;
}

/* The message type of a reply to XID/MAC (0 if it is not one), its fields
 * into *L. */
static int dhcp_parse(const unsigned char *p, size_t n, uint32_t xid,
                      const unsigned char mac[6], struct lease *l)
{
    int type = 0;

    if (n < 240 || p[0] != 2 || memcmp(p + 4, &xid, 4) ||
        memcmp(p + 28, mac, 6) || memcmp(p + 236, "\x63\x82\x53\x63", 4))
        return 0;
    memset(l, 0, sizeof(*l));
    memcpy(&l->ip, p + 16, 4);
    for (size_t o = 240; o < n && p[o] != 255;) {
        if (p[o] == 0) {
            o++;
            continue;
        }
        if (o + 2 > n || o + 2 + p[o + 1] > n)
            break;
        const unsigned char *v = p + o + 2;
        int len = p[o + 1];
        switch (p[o]) {
        case 53: if (len >= 1) type = v[0]; break;
        case 1: if (len >= 4) memcpy(&l->mask, v, 4); break;
        case 3: if (len >= 4) memcpy(&l->router, v, 4); break;
        case 54: if (len >= 4) memcpy(&l->server, v, 4); break;
        case 51:
            if (len >= 4)
                l->seconds = (uint32_t)v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3];
            break;
        }
        o += 2 + len;
    }
    return type;
}

/* Leases an address for DEV and configures it; prints the lease line. */
static int dhcp(const char *dev, struct lease *out)
{
    unsigned char mac[6], pkt[576];
    struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(68) };
    struct sockaddr_in bcast = { .sin_family = AF_INET, .sin_port = htons(67),
                                 .sin_addr.s_addr = INADDR_BROADCAST };
    int one = 1, fd, state = DHCPDISCOVER;
    int64_t start = now_us(), end = start + cfg.timeout_s * 1000000LL;
    long resend_ms = 1000;
    struct lease offer = { 0 }, got;
    uint32_t xid;

    if (read_mac(dev, mac, NULL) < 0) {
        fail("dhcp %s: no MAC address", dev);
        return -1;
    }
    xid = (uint32_t)now_us() ^ (mac[2] << 24 | mac[3] << 16 | mac[4] << 8 | mac[5]);
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, strlen(dev)) < 0 ||
        bind(fd, (struct sockaddr *)&any, sizeof(any)) < 0) {
        fail("dhcp %s: socket: %s", dev, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    while (now_us() < end) {
        size_t len = dhcp_build(pkt, state, xid, mac, &offer);
        if (sendto(fd, pkt, len, 0, (struct sockaddr *)&bcast, sizeof(bcast)) < 0) {
            if (errno == ENODEV || errno == ENXIO) {
                fail("dhcp %s: %s", dev, strerror(errno));
                break;
            }
            sleep_ms(200);       /* link not ready yet */
            continue;
        }
        int64_t wait_end = now_us() + resend_ms * 1000;
        int restart = 0;
        while (!restart && now_us() < wait_end) {
            if (!wait_fd(fd, POLLIN, (wait_end - now_us()) / 1000 + 1))
                break;
            ssize_t n = recv(fd, pkt, sizeof(pkt), MSG_DONTWAIT);
            if (n <= 0)
                continue;
            int type = dhcp_parse(pkt, n, xid, mac, &got);
            if (state == DHCPDISCOVER && type == DHCPOFFER && got.server.s_addr) {
                offer = got;
                state = DHCPREQUEST;
                restart = 1;            /* send the request now */
            } else if (state == DHCPREQUEST && type == DHCPACK) {
                if (!got.mask.s_addr)
                    inet_aton("255.255.255.0", &got.mask);
                if (!got.server.s_addr)
                    got.server = offer.server;
                close(fd);
                if (iface_set_addr(dev, got.ip, got.mask) < 0) {
                    fail("dhcp %s: set address %s: %s", dev, ip_str(got.ip),
                         strerror(errno));
                    return -1;
                }
                say("dhcp %s lease ip=%s/%d server=%s lease_s=%u ms=%.1f", dev,
                    ip_str(got.ip), prefix_len(got.mask), ip_str(got.server),
                    got.seconds, ms_since(start));
                if (out)
                    *out = got;
                return 0;
            } else if (state == DHCPREQUEST && type == DHCPNAK) {
                state = DHCPDISCOVER;
                restart = 1;
            }
        }
        if (!restart && resend_ms < 4000)
            resend_ms *= 2;
    }
    close(fd);
    fail("dhcp %s: no lease after %d s", dev, cfg.timeout_s);
    return -1;
}

/* -- TCP: client of tcp_peer.py, server in listen mode --------------------- */

static void tcp_client(void)
{
    char line[128], peer[32];
    unsigned long long peer_got;
    char peer_intact[4];
    PatternCheck check;
    int64_t t;
    ssize_t r;
    int fd;

    snprintf(peer, sizeof(peer), "%s:%u", ip_str(cfg.tcp.sin_addr),
             ntohs(cfg.tcp.sin_port));
    t = now_us();
    fd = tcp_connect(&cfg.tcp, cfg.timeout_s);
    if (fd < 0) {
        fail("tcp connect %s: %s", peer, strerror(errno));
        return;
    }
    say("tcp connected %s ms=%.1f", peer, ms_since(t));
    if (cfg.banner && (recv_line(fd, line, sizeof(line)) < 0 ||
                       strncmp(line, "QBLISTEN hello", 14) != 0)) {
        fail("tcp %s: no listen banner from the peer guest", peer);
        goto out;
    }
    snprintf(line, sizeof(line), "QBTCP rx=%llu tx=%llu\n", cfg.rx, cfg.tx);
    t = now_us();
    if (send_all(fd, line, strlen(line)) < 0) {
        fail("tcp %s: send request: %s", peer, strerror(errno));
        goto out;
    }
    r = recv_checked(fd, cfg.rx, 1, &check);
    if (r <= 0) {
        fail("tcp rx %s: %s after %llu of %llu bytes", peer, io_error(r),
             check.pos, cfg.rx);
        goto out;
    }
    if (check.first_bad < 0) {
        say("tcp rx bytes=%llu intact=yes ms=%.1f", check.pos, ms_since(t));
    } else {
        say("tcp rx bytes=%llu intact=no first_bad=%lld ms=%.1f", check.pos,
            check.first_bad, ms_since(t));
        fail("tcp rx %s: byte %lld differs from the pattern", peer,
             check.first_bad);
    }
    t = now_us();
    if (send_pattern(fd, cfg.tx) < 0) {
        fail("tcp tx %s: %s", peer, strerror(errno));
        goto out;
    }
    shutdown(fd, SHUT_WR);
    if (recv_line(fd, line, sizeof(line)) < 0 ||
        sscanf(line, "QBTCP got=%llu intact=%3s", &peer_got,
               peer_intact) != 2) {
        fail("tcp tx %s: no confirmation from the peer", peer);
        goto out;
    }
    say("tcp tx bytes=%llu ms=%.1f peer_bytes=%llu peer_intact=%s",
        cfg.tx, ms_since(t), peer_got, peer_intact);
    if (peer_got != cfg.tx || strcmp(peer_intact, "yes") != 0)
        fail("tcp tx %s: the peer got other data", peer);
out:
    close(fd);
}

static void serve_one(int fd, const char *from)
{
    char line[128];
    unsigned long long rx, tx;
    PatternCheck check;
    int64_t t = now_us();
    ssize_t r;

    set_timeouts(fd, cfg.timeout_s);
    if (send_all(fd, "QBLISTEN hello\n", 15) < 0) {
        fail("listen %s: send banner: %s", from, strerror(errno));
        return;
    }
    if (recv_line(fd, line, sizeof(line)) < 0) {
        say("listen closed from=%s", from);
        return;
    }
    if (sscanf(line, "QBTCP rx=%llu tx=%llu", &rx, &tx) != 2) {
        fail("listen %s: bad request '%.40s'", from, line);
        return;
    }
    if (send_pattern(fd, rx) < 0) {
        fail("listen %s: send: %s", from, strerror(errno));
        return;
    }
    r = recv_checked(fd, tx, 0, &check);
    if (r < 0) {
        fail("listen %s: receive: %s after %llu bytes", from, io_error(r),
             check.pos);
        return;
    }
    snprintf(line, sizeof(line), "QBTCP got=%llu intact=%s\n", check.pos,
             yes_no(check.first_bad < 0));
    send_all(fd, line, strlen(line));
    say("listen served from=%s sent=%llu got=%llu got_intact=%s ms=%.1f",
        from, rx, check.pos, yes_no(check.first_bad < 0), ms_since(t));
    if (check.first_bad >= 0)
        fail("listen %s: byte %lld differs from the pattern", from,
             check.first_bad);
}

static void tcp_listen(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_port = htons(cfg.listen_port) };
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
        fail("listen port=%d: %s", cfg.listen_port, strerror(errno));
        if (fd >= 0)
            close(fd);
        return;
    }
    say("listen port=%d ready", cfg.listen_port);
    for (int i = 0; i < cfg.conns; i++) {
        struct sockaddr_in peer;
        socklen_t len = sizeof(peer);
        char from[32];

        if (!wait_fd(fd, POLLIN, cfg.wait_s * 1000L)) {
            fail("listen port=%d: no connection in %d s", cfg.listen_port,
                 cfg.wait_s);
            break;
        }
        int c = accept4(fd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
        if (c < 0) {
            fail("listen port=%d: accept: %s", cfg.listen_port, strerror(errno));
            continue;
        }
        snprintf(from, sizeof(from), "%s:%u", ip_str(peer.sin_addr),
                 ntohs(peer.sin_port));
        say("listen accept from=%s", from);
        serve_one(c, from);
        close(c);
    }
    close(fd);
}

/* -- hotplug --------------------------------------------------------------- */

static int in_list(char names[][IFNAMSIZ], int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return 1;
    return 0;
}

static void bring_up(const char *dev)
{
    struct lease lease;

    if (iface_up(dev) < 0) {
        fail("hotplug %s: up: %s", dev, strerror(errno));
        return;
    }
    if (dhcp(dev, &lease) < 0)
        return;
    ping(cfg.nping ? cfg.ping[0] : lease.server, dev);
}

static void hotplug(void)
{
    char known[MAX_IFACES][IFNAMSIZ], now[MAX_IFACES][IFNAMSIZ];
    char added[MAX_IFACES][IFNAMSIZ], present[MAX_IFACES * (IFNAMSIZ + 1)] = "";
    int nknown, nadded = 0, cycles = 0;
    int64_t end = now_us() + cfg.wait_s * 1000000LL;

    /* Several interfaces on one subnet: answer ARP only on the interface
     * that holds the address, or replies would come back on another. */
    write_file("/proc/sys/net/ipv4/conf/all/arp_ignore", "1");
    write_file("/proc/sys/net/ipv4/conf/all/arp_announce", "2");
    nknown = list_ifaces(known, MAX_IFACES);
    if (nknown < 0) {
        fail("hotplug: cannot read /sys/class/net: %s", strerror(errno));
        return;
    }
    for (int i = 0; i < nknown; i++) {
        strcat(present, i ? "," : "");
        strcat(present, known[i]);
    }
    say("hotplug watching present=%s", nknown ? present : "none");
    while (cycles < cfg.hotplug && now_us() < end) {
        int n = list_ifaces(now, MAX_IFACES);
        for (int i = 0; i < n; i++) {
            if (in_list(known, nknown, now[i]) || nknown == MAX_IFACES)
                continue;
            unsigned char mac[6];
            char mac_text[18] = "?";
            read_mac(now[i], mac, mac_text);
            say("hotplug appear %s mac=%s uptime_ms=%lld", now[i], mac_text,
                uptime_ms());
            memcpy(known[nknown++], now[i], IFNAMSIZ);
            if (nadded < MAX_IFACES)
                memcpy(added[nadded++], now[i], IFNAMSIZ);
            bring_up(now[i]);
        }
        n = list_ifaces(now, MAX_IFACES);
        for (int i = 0; i < nknown; i++) {
            if (in_list(now, n, known[i]))
                continue;
            say("hotplug disappear %s uptime_ms=%lld", known[i], uptime_ms());
            if (in_list(added, nadded, known[i]))
                cycles++;
            memmove(known[i], known[i + 1], (nknown - i - 1) * IFNAMSIZ);
            nknown--;
            i--;
        }
        if (cycles < cfg.hotplug)
            sleep_ms(100);
    }
    if (cycles < cfg.hotplug)
        fail("hotplug: %d of %d cycles in %d s", cycles, cfg.hotplug, cfg.wait_s);
    else
        sleep_ms(cfg.settle_ms);
    say("hotplug done cycles=%d", cycles);
}

static void show_files(void)
{
    char list[sizeof(cfg.show)];

    snprintf(list, sizeof(list), "%s", cfg.show);
    for (char *save, *path = strtok_r(list, ",", &save); path;
         path = strtok_r(NULL, ",", &save)) {
        char line[400];
        FILE *f = fopen(path, "r");
        if (!f) {
            fail("show %s: %s", path, strerror(errno));
            continue;
        }
        while (fgets(line, sizeof(line), f)) {
            line[strcspn(line, "\n")] = 0;
            say("show %s: %s", path, line);
        }
        fclose(f);
    }
}

/* -- main ------------------------------------------------------------------ */

static void ready(void)
{
    struct sysinfo si;
    struct utsname un;

    sysinfo(&si);
    uname(&un);
    say("ready uptime_ms=%lld cpus=%ld mem_kb=%llu kernel=%s", uptime_ms(),
        sysconf(_SC_NPROCESSORS_ONLN),
        (unsigned long long)si.totalram * si.mem_unit / 1024, un.release);
}

int main(void)
{
    char ifaces[MAX_IFACES][IFNAMSIZ];
    char level[16];
    int n;

    setup();
    pattern_init();
    parse_cmdline();
    snprintf(level, sizeof(level), "%d", cfg.loglevel);
    write_file("/proc/sys/kernel/printk", level);
    ready();

    n = list_ifaces(ifaces, MAX_IFACES);
    for (int i = 0; i < n; i++) {
        struct in_addr a, m;
        if (cfg.dhcp && iface_addr(ifaces[i], &a, &m) < 0) {
            if (iface_up(ifaces[i]) < 0)
                fail("dhcp %s: up: %s", ifaces[i], strerror(errno));
            else
                dhcp(ifaces[i], NULL);
        }
        report_iface(ifaces[i]);
    }
    for (int i = 0; i < cfg.nping; i++)
        ping(cfg.ping[i], NULL);
    if (cfg.have_tcp)
        tcp_client();
    if (cfg.listen_port)
        tcp_listen();
    if (cfg.hotplug)
        hotplug();
    if (cfg.show[0])
        show_files();
    if (cfg.idle >= 0) {
        say("idle seconds=%ld", cfg.idle);
        if (cfg.idle == 0)
            for (;;)
                pause();
        sleep_ms(cfg.idle * 1000);
        say("idle done");
    }
    say("done errors=%d", errors);
    if (cfg.poweroff) {
        say("poweroff");
        sync();
        reboot(RB_POWER_OFF);
        fail("poweroff: %s", strerror(errno));
    }
    for (;;)                /* init must not exit */
        pause();
}
