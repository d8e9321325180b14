/*
 * Unit tests for the network core: the flow-control contract between peers,
 * hubs, the tap back-end over a real packet fd (a datagram socketpair stands
 * in for /dev/net/tun: same one-frame-per-read semantics), and back-end
 * creation, deferred while a (stand-in) helper runs.  The runner itself is
 * tested in test-helper-runner.c.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/hub.h"
#include "net/net.h"
#include "net/queue.h"
#include "net/tap.h"
#include "stand-in-helpers.h"

/* A test client: records what it receives; can be told to refuse. */
typedef struct TestClient {
    NetClientState nc;
    bool refuse;                /* can_receive() false */
    bool say_zero;              /* receive() returns 0 */
    GPtrArray *received;        /* GBytes */
    int sent_callbacks;
} TestClient;

static ssize_t test_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    TestClient *t = (TestClient *)nc;

    if (t->say_zero) {
        return 0;
    }
    g_ptr_array_add(t->received, g_bytes_new(buf, size));
    return (ssize_t)size;
}

static bool test_can_receive(NetClientState *nc)
{
    return !((TestClient *)nc)->refuse;
}

static void test_cleanup(NetClientState *nc)
{
    g_ptr_array_unref(((TestClient *)nc)->received);
}

static const NetClientInfo test_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(TestClient),
    .receive = test_receive,
    .can_receive = test_can_receive,
    .cleanup = test_cleanup,
};

static TestClient *test_client(const char *name, NetClientState *peer)
{
    TestClient *t = (TestClient *)qemu_new_net_client(&test_info, peer,
                                                      "test", name);
    t->received = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    return t;
}

static void sent_cb(NetClientState *sender, ssize_t len)
{
    ((TestClient *)sender)->sent_callbacks++;
}

static void assert_received(TestClient *t, guint index, const char *text)
{
    gsize size;
    const char *data;

    g_assert_cmpuint(t->received->len, >, index);
    data = g_bytes_get_data(g_ptr_array_index(t->received, index), &size);
    g_assert_cmpmem(data, size, text, strlen(text));
}

static ssize_t send_text(TestClient *from, const char *text, bool with_cb)
{
    return qemu_send_packet_async(&from->nc, (const uint8_t *)text,
                                  strlen(text), with_cb ? sent_cb : NULL);
}

static void test_direct_delivery(void)
{
    TestClient *a = test_client("a", NULL);
    TestClient *b = test_client("b", &a->nc);

    g_assert_cmpint(send_text(a, "hello", true), ==, 5);
    assert_received(b, 0, "hello");
    g_assert_cmpint(a->sent_callbacks, ==, 0);      /* only for queued ones */
    g_assert_cmpuint(a->nc.stats.tx_packets, ==, 1);
    g_assert_cmpuint(b->nc.stats.rx_bytes, ==, 5);
    qemu_del_net_client(&a->nc);
    g_assert_null(b->nc.peer);
    qemu_del_net_client(&b->nc);
}

/* can_receive() false: queued in order, sender told to wait, flushed later. */
static void test_backpressure(void)
{
    TestClient *nic = test_client("nic", NULL);
    TestClient *backend = test_client("backend", &nic->nc);

    nic->refuse = true;
    g_assert_false(qemu_can_send_packet(&backend->nc));
    g_assert_cmpint(send_text(backend, "one", true), ==, 0);
    g_assert_cmpint(send_text(backend, "two", true), ==, 0);
    g_assert_cmpuint(nic->received->len, ==, 0);

    nic->refuse = false;
    /* Still queued: order wins over the now-ready receiver. */
    g_assert_false(qemu_can_send_packet(&backend->nc));
    qemu_flush_queued_packets(&nic->nc);
    g_assert_cmpuint(nic->received->len, ==, 2);
    assert_received(nic, 0, "one");
    assert_received(nic, 1, "two");
    g_assert_cmpint(backend->sent_callbacks, ==, 2);
    g_assert_true(qemu_can_send_packet(&backend->nc));
    qemu_del_net_client(&backend->nc);
    qemu_del_net_client(&nic->nc);
}

/* receive() returning 0 is a promise to flush; nothing is lost meanwhile. */
static void test_receive_zero(void)
{
    TestClient *nic = test_client("nic", NULL);
    TestClient *backend = test_client("backend", &nic->nc);

    nic->say_zero = true;
    g_assert_cmpint(send_text(backend, "x", true), ==, 0);
    g_assert_true(nic->nc.receive_disabled);
    g_assert_cmpint(send_text(backend, "y", true), ==, 0);
    nic->say_zero = false;
    qemu_flush_queued_packets(&nic->nc);
    assert_received(nic, 0, "x");
    assert_received(nic, 1, "y");
    g_assert_cmpint(backend->sent_callbacks, ==, 2);
    qemu_del_net_client(&backend->nc);
    qemu_del_net_client(&nic->nc);
}

/* Without a callback the queue is bounded: the excess is dropped, counted. */
static void test_bounded_queue(void)
{
    TestClient *nic = test_client("nic", NULL);
    TestClient *backend = test_client("backend", &nic->nc);

    nic->refuse = true;
    for (int i = 0; i < NET_QUEUE_LIMIT + 10; i++) {
        send_text(backend, "p", false);
    }
    g_assert_cmpuint(net_queue_length(nic->nc.incoming_queue), ==,
                     NET_QUEUE_LIMIT);
    g_assert_cmpuint(backend->nc.stats.tx_dropped, ==, 10);
    nic->refuse = false;
    qemu_flush_queued_packets(&nic->nc);
    g_assert_cmpuint(nic->received->len, ==, NET_QUEUE_LIMIT);
    qemu_del_net_client(&backend->nc);
    qemu_del_net_client(&nic->nc);
}

static void test_link_down_and_delete(void)
{
    TestClient *nic = test_client("nic0", NULL);
    TestClient *backend = test_client("hn0", &nic->nc);
    Error *err = NULL;

    backend->nc.is_netdev = true;
    g_assert_true(net_set_link("nic0", false, &err));
    g_assert_true(nic->nc.link_down && backend->nc.link_down);
    g_assert_cmpint(send_text(backend, "lost", true), ==, 4);
    g_assert_cmpuint(nic->received->len, ==, 0);
    g_assert_true(net_set_link("nic0", true, &err));
    g_assert_cmpint(send_text(backend, "seen", true), ==, 4);
    assert_received(nic, 0, "seen");

    g_assert_false(net_set_link("nosuch", true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'nosuch' not found");
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_DEVICE_NOT_FOUND);
    error_free(err);
    err = NULL;

    /* Packets queued by a deleted sender vanish without callbacks. */
    nic->refuse = true;
    send_text(backend, "orphan", true);
    g_assert_false(netdev_del("nic0", &err));       /* not a netdev */
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'nic0' is not a netdev");
    error_free(err);
    err = NULL;
    g_assert_true(netdev_del("hn0", &err));
    g_assert_true(net_queue_is_empty(nic->nc.incoming_queue));
    g_assert_null(qemu_find_netdev("hn0"));
    g_assert_false(netdev_del("hn0", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Device 'hn0' not found");
    error_free(err);
    qemu_del_net_client(&nic->nc);
}

static void test_hub(void)
{
    NetClientState *p0 = net_hub_add_port(0, NULL, NULL);
    NetClientState *p1 = net_hub_add_port(0, NULL, NULL);
    NetClientState *p2 = net_hub_add_port(0, NULL, NULL);
    TestClient *nic = test_client("nic", p0);
    TestClient *user = test_client("user", p1);
    TestClient *tap = test_client("tap", p2);
    g_autofree char *info = NULL;

    send_text(nic, "broadcast", true);
    assert_received(user, 0, "broadcast");
    assert_received(tap, 0, "broadcast");
    g_assert_cmpuint(nic->received->len, ==, 0);    /* not echoed back */

    /* Nobody behind the hub can take a packet: the sender waits. */
    user->refuse = true;
    nic->refuse = true;
    g_assert_cmpint(send_text(tap, "held", true), ==, 0);
    nic->refuse = false;
    user->refuse = false;
    qemu_flush_queued_packets(&nic->nc);    /* the NIC posts buffers */
    assert_received(nic, 0, "held");
    assert_received(user, 1, "held");
    g_assert_cmpint(tap->sent_callbacks, ==, 1);

    info = net_info_network();
    g_assert_true(g_str_has_prefix(info, "hub 0\n \\ hub0port0: nic: index=0,type=nic,"));
    g_assert_nonnull(strstr(info, " \\ hub0port2: tap: "));

    qemu_del_net_client(&nic->nc);
    qemu_del_net_client(&user->nc);
    qemu_del_net_client(&tap->nc);
    net_cleanup();
}

/* ---------------------------------------------------------------------- */
/* tap back-end over a datagram socketpair */

typedef struct Wait {
    TestClient *nic;
    guint frames;
} Wait;

/* Runs the main loop until the NIC has received FRAMES frames. */
static void run_until_received(TestClient *nic, guint frames)
{
    for (int i = 0; i < 1000 && nic->received->len < frames; i++) {
        g_main_context_iteration(NULL, TRUE);
    }
    g_assert_cmpuint(nic->received->len, ==, frames);
}

static void run_idle(int iterations)
{
    for (int i = 0; i < iterations; i++) {
        g_main_context_iteration(NULL, FALSE);
    }
}

/* TEXT is the next frame waiting in the kernel for FD: nobody read it. */
static void assert_next_in_kernel(int fd, const char *text)
{
    char buf[16];
    ssize_t n = recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);

    g_assert_cmpmem(buf, n < 0 ? 0 : (size_t)n, text, strlen(text));
}

/* Enough 1000-byte frames to fill a socket's send buffer several times. */
#define TAP_TEST_FRAMES 800

static void test_tap_fd(void)
{
    int sv[2];
    NetClientState *tap;
    TestClient *nic;
    int queued = 0;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), ==, 0);
    nic = test_client("nic", NULL);
    tap = net_tap_fd_init(&nic->nc, "tap", "hn0", sv[0]);
    g_assert_false(qemu_has_vnet_hdr(tap));         /* not a real tap */

    /* Wire to guest. */
    g_assert_cmpint(send(sv[1], "f1", 2, 0), ==, 2);
    run_until_received(nic, 1);
    assert_received(nic, 0, "f1");

    /* The guest runs out of buffers: the tap asks before reading, so every
     * frame stays in the kernel, none waits in the emulator. */
    nic->refuse = true;
    g_assert_cmpint(send(sv[1], "f2", 2, 0), ==, 2);
    g_assert_cmpint(send(sv[1], "f3", 2, 0), ==, 2);
    g_assert_cmpint(send(sv[1], "f4", 2, 0), ==, 2);
    run_idle(50);
    g_assert_cmpuint(nic->received->len, ==, 1);
    g_assert_true(net_queue_is_empty(nic->nc.incoming_queue));
    assert_next_in_kernel(sv[0], "f2");

    /* Buffers posted: the flush wakes the tap, the kernel's frames follow
     * in order. */
    nic->refuse = false;
    qemu_flush_queued_packets(&nic->nc);
    run_until_received(nic, 4);
    assert_received(nic, 1, "f2");
    assert_received(nic, 2, "f3");
    assert_received(nic, 3, "f4");
    g_assert_cmpuint(tap->stats.tx_packets, ==, 4);

    /* can_receive() yes, receive() 0: that frame waits at the NIC (QEMU's
     * completion contract), the tap stops until it went out. */
    nic->say_zero = true;
    g_assert_cmpint(send(sv[1], "f5", 2, 0), ==, 2);
    g_assert_cmpint(send(sv[1], "f6", 2, 0), ==, 2);
    run_idle(50);
    g_assert_cmpuint(net_queue_length(nic->nc.incoming_queue), ==, 1);
    assert_next_in_kernel(sv[0], "f6");
    nic->say_zero = false;
    qemu_flush_queued_packets(&nic->nc);
    run_until_received(nic, 6);
    assert_received(nic, 4, "f5");
    assert_received(nic, 5, "f6");

    /* Guest to wire, past what the socket holds: the excess waits in the
     * tap's queue (the NIC is told to wait) and goes out as it drains. */
    for (int i = 0; i < TAP_TEST_FRAMES; i++) {
        char frame[1000];
        memset(frame, 'x', sizeof(frame));
        snprintf(frame, sizeof(frame), "out%03d", i);
        if (qemu_send_packet_async(&nic->nc, (uint8_t *)frame, sizeof(frame),
                                   sent_cb) == 0) {
            queued++;
        }
    }
    g_assert_cmpint(queued, >, 0);
    for (int i = 0; i < TAP_TEST_FRAMES; i++) {
        char expect[16];
        char frame[1000];
        ssize_t n;
        while ((n = recv(sv[1], frame, sizeof(frame), MSG_DONTWAIT)) < 0 &&
               errno == EAGAIN) {
            g_main_context_iteration(NULL, TRUE);
        }
        snprintf(expect, sizeof(expect), "out%03d", i);
        g_assert_cmpint(n, ==, sizeof(frame));
        g_assert_cmpstr(frame, ==, expect);
    }
    g_assert_cmpint(nic->sent_callbacks, ==, queued);

    qemu_del_net_client(tap);                       /* closes sv[0] */
    g_assert_cmpint(fcntl(sv[0], F_GETFD), ==, -1);
    qemu_del_net_client(&nic->nc);
    close(sv[1]);
}

/* -net: tap and NIC meet at a hub; the NIC's flush wakes the tap through
 * it. */
static void test_tap_behind_hub(void)
{
    int sv[2];
    NetClientState *p0, *p1, *tap;
    TestClient *nic;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), ==, 0);
    p0 = net_hub_add_port(5, NULL, NULL);
    p1 = net_hub_add_port(5, NULL, NULL);
    nic = test_client("nic", p0);
    tap = net_tap_fd_init(p1, "tap", "hn0", sv[0]);

    nic->refuse = true;
    g_assert_cmpint(send(sv[1], "f1", 2, 0), ==, 2);
    run_idle(50);
    g_assert_cmpuint(nic->received->len, ==, 0);
    g_assert_true(net_queue_is_empty(p1->incoming_queue));
    assert_next_in_kernel(sv[0], "f1");

    nic->refuse = false;
    qemu_flush_queued_packets(&nic->nc);
    run_until_received(nic, 1);
    assert_received(nic, 0, "f1");

    qemu_del_net_client(tap);
    qemu_del_net_client(&nic->nc);
    net_cleanup();
    close(sv[1]);
}

/* ---------------------------------------------------------------------- */
/* -netdev/-net parsing and the user back-end (libslirp) */

static NetClientState *netdev_from_cli(const char *text, Error **errp)
{
    bool exit_now;
    g_autoptr(Netdev) nd = NULL;
    bool help = false;

    if (!net_client_parse(text, true, &exit_now, errp)) {
        return NULL;
    }
    nd = net_parse_netdev(text, true, &help, &error_abort);
    return qemu_find_netdev(nd->id);
}

static void expect_cli_error(const char *text, const char *want)
{
    bool exit_now;
    Error *err = NULL;

    g_assert_false(net_client_parse(text, true, &exit_now, &err));
    g_assert_nonnull(err);
    if (!strstr(error_get_pretty(err), want)) {
        g_error("'%s': error '%s' lacks '%s'", text, error_get_pretty(err), want);
    }
    error_free(err);
}

static void test_cli_errors(void)
{
    expect_cli_error("bridge,id=hn0,bad=1", "Invalid parameter 'bad'");
    expect_cli_error("bridge", "Parameter 'id' is missing");
    expect_cli_error("bridge,id=0bad", "Parameter 'id' expects an identifier");
    expect_cli_error("bridge,id=a b", "Parameter 'id' expects an identifier");
    expect_cli_error("frob,id=x", "frob");
    expect_cli_error("nic,id=x", "expects a netdev backend type");
    expect_cli_error("tap,id=t0,vhost=on", "vhost-net is not supported");
    expect_cli_error("tap,id=t0,queues=4", "multiqueue tap (queues=4)");
    expect_cli_error("tap,id=t0,fd=3,ifname=x", "invalid with fd=");
    expect_cli_error("tap,id=t0,helper=/bin/true,script=no",
                     "invalid with helper=");
    expect_cli_error("tap,id=t0,fd=nosuchname",
                     "File descriptor named 'nosuchname' has not been found");
    expect_cli_error("user,id=u0,net=10.0.2.0/24,host=10.0.3.2",
                     "Invalid parameter 'host': 10.0.3.2 is outside the network");
    expect_cli_error("user,id=u0,hostfwd=tcp:127.0.0.1:2222", "Invalid host "
                     "forwarding rule 'tcp:127.0.0.1:2222'");
    expect_cli_error("user,id=u0,hostfwd=sctp::1-:2", "Invalid host forwarding");
    expect_cli_error("user,id=u0,guestfwd=tcp:10.0.2.100:1-cmd:true",
                     "guestfwd= is not supported");
    expect_cli_error("hubport,id=p0,hubid=0,netdev=nosuch",
                     "netdev 'nosuch' not found");
    g_assert_null(qemu_find_netdev("hn0"));
    g_assert_null(qemu_find_netdev("t0"));
    g_assert_null(qemu_find_netdev("u0"));
    g_assert_null(qemu_find_netdev("p0"));
}

static void test_duplicate_id(void)
{
    Error *err = NULL;
    NetClientState *u = netdev_from_cli("user,id=dup,restrict=on", &error_abort);

    g_assert_nonnull(u);
    g_assert_true(u->is_netdev);
    expect_cli_error("user,id=dup", "Duplicate ID 'dup' for netdev");
    g_assert_true(netdev_del("dup", &err));
}

/* An ARP request for the user network's gateway gets libslirp's answer. */
static void test_user_arp_and_hostfwd(void)
{
    static const uint8_t arp_request[60] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
        0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
        0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 10, 0, 2, 15,
        0, 0, 0, 0, 0, 0, 10, 0, 2, 2,
    };
    int port = 20000 + getpid() % 20000;
    g_autofree char *text = g_strdup_printf(
        "user,id=u1,hostfwd=tcp:127.0.0.1:%d-:22", port);
    NetClientState *user = netdev_from_cli(text, &error_abort);
    TestClient *nic = test_client("nic", user);
    struct sockaddr_in addr = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    int sock = socket(AF_INET, SOCK_STREAM, 0);
    gsize size;
    const uint8_t *reply;
    Error *err = NULL;

    g_assert_cmpstr(user->info_str, ==, "net=10.0.2.0,restrict=off");
    qemu_send_packet(&nic->nc, arp_request, sizeof(arp_request));
    run_until_received(nic, 1);
    reply = g_bytes_get_data(g_ptr_array_index(nic->received, 0), &size);
    g_assert_cmpuint(size, >=, 42);
    g_assert_cmpint(reply[12] << 8 | reply[13], ==, 0x0806);      /* ARP */
    g_assert_cmpint(reply[21], ==, 2);                            /* reply */
    g_assert_cmpmem(reply + 28, 4, ((uint8_t[]){ 10, 0, 2, 2 }), 4);

    /* hostfwd: libslirp listens on the host side. */
    g_assert_cmpint(connect(sock, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    close(sock);

    qemu_del_net_client(&nic->nc);
    g_assert_true(netdev_del("u1", &err));
}

/* ---------------------------------------------------------------------- */
/* Creation deferred while a helper runs (what QMP netdev_add uses) */

typedef struct Created {
    bool done;
    Error *err;
} Created;

static void created(Error *err, void *opaque)
{
    Created *c = opaque;

    g_assert_false(c->done);
    c->done = true;
    c->err = err;
}

static void start_async(const char *text, Created *c)
{
    bool help = false;
    g_autoptr(Netdev) nd = net_parse_netdev(text, true, &help, &error_abort);

    *c = (Created){ 0 };
    net_client_init_async(nd, true, created, c);
    /* nd goes now: a deferred creation keeps what it needs */
}

static void wait_created(Created *c)
{
    while (!c->done) {
        g_main_context_iteration(NULL, TRUE);
    }
}

static void test_deferred_creation(void)
{
    g_autofree char *sender = stand_in_fd_sender("slow-sender", "0.3");
    g_autofree char *denied = stand_in_write("denied",
                                           "#!/bin/sh\necho denied >&2\nexit 1\n");
    g_autofree char *text = g_strdup_printf("tap,id=t9,helper=%s", sender);
    g_autofree char *info = g_strdup_printf("helper=%s", sender);
    g_autofree char *fails = g_strdup_printf("bridge,id=b9,helper=%s", denied);
    NetClientState *nc;
    Created c;

    start_async(text, &c);
    g_assert_false(c.done);
    g_assert_null(qemu_find_netdev("t9"));
    /* The id is taken while the helper runs. */
    expect_cli_error("user,id=t9", "Duplicate ID 't9' for netdev");
    wait_created(&c);
    g_assert_null(c.err);
    nc = qemu_find_netdev("t9");
    g_assert_nonnull(nc);
    g_assert_true(nc->is_netdev);
    g_assert_cmpstr(nc->model, ==, "tap");
    g_assert_cmpstr(nc->info_str, ==, info);
    g_assert_true(netdev_del("t9", &error_abort));

    /* A back-end without a helper is done before the call returns... */
    start_async("user,id=u9,restrict=on", &c);
    g_assert_true(c.done);
    g_assert_null(c.err);
    g_assert_true(netdev_del("u9", &error_abort));
    start_async("user,id=0bad", &c);
    g_assert_true(c.done);
    g_assert_cmpstr(error_get_pretty(c.err), ==,
                    "Parameter 'id' expects an identifier");
    error_free(c.err);

    /* ...and a helper's failure comes later, leaving the id free. */
    start_async(fails, &c);
    g_assert_false(c.done);
    wait_created(&c);
    g_assert_cmpstr(error_get_pretty(c.err), ==,
                    "bridge helper failed: denied");
    error_free(c.err);
    g_assert_null(qemu_find_netdev("b9"));
    start_async("user,id=b9,restrict=on", &c);
    g_assert_null(c.err);
    g_assert_true(netdev_del("b9", &error_abort));
}

/* At exit a waiting creation is cancelled: helper killed and reaped. */
static void test_deferred_cancel(void)
{
    g_autofree char *pidfile = stand_in_path("hang.pid");
    g_autofree char *hang = stand_in_hanging("hang", pidfile);
    g_autofree char *text = g_strdup_printf("bridge,id=b8,helper=%s", hang);
    Created c;
    pid_t pid;

    start_async(text, &c);
    pid = stand_in_wait_pid(pidfile);
    net_cleanup();
    g_assert_true(c.done);
    g_assert_cmpstr(error_get_pretty(c.err), ==, "netdev 'b8' was not "
                    "created: the emulator is shutting down");
    error_free(c.err);
    g_assert_cmpint(kill(pid, 0), ==, -1);
    g_assert_cmpint(errno, ==, ESRCH);
    g_assert_null(qemu_find_netdev("b8"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/net/direct-delivery", test_direct_delivery);
    g_test_add_func("/net/backpressure", test_backpressure);
    g_test_add_func("/net/receive-zero", test_receive_zero);
    g_test_add_func("/net/bounded-queue", test_bounded_queue);
    g_test_add_func("/net/link-down-and-delete", test_link_down_and_delete);
    g_test_add_func("/net/hub", test_hub);
    g_test_add_func("/net/tap-fd", test_tap_fd);
    g_test_add_func("/net/tap-behind-hub", test_tap_behind_hub);
    g_test_add_func("/net/cli-errors", test_cli_errors);
    g_test_add_func("/net/duplicate-id", test_duplicate_id);
    g_test_add_func("/net/user-arp-and-hostfwd", test_user_arp_and_hostfwd);
    g_test_add_func("/net/deferred-creation", test_deferred_creation);
    g_test_add_func("/net/deferred-cancel", test_deferred_cancel);
    stand_in_init();
    int status = g_test_run();
    stand_in_cleanup();
    return status;
}
