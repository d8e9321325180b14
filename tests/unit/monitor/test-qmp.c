/*
 * Unit tests for the QMP protocol core over an in-memory transport: the
 * greeting, capabilities negotiation, id echo, error replies to malformed
 * input (each followed by a command that must work), fd hand-over and
 * events.  The command table is made here, so the core is tested on its
 * own; the emulator's real commands are tested end to end in pytest.
 */

#include <glib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/monitor.h"
#include "qapi/qapi-events.h"

typedef struct Client {
    GString *out;
    GQueue fds;
    unsigned resumed;           /* accept_input calls */
} Client;

static void client_write(void *opaque, const char *buf, size_t len)
{
    g_string_append_len(((Client *)opaque)->out, buf, (gssize)len);
}

static int client_take_fd(void *opaque)
{
    Client *c = opaque;

    return g_queue_is_empty(&c->fds) ? -1
        : GPOINTER_TO_INT(g_queue_pop_head(&c->fds));
}

static void client_accept_input(void *opaque)
{
    ((Client *)opaque)->resumed++;
}

static const MonitorTransport client_transport = {
    .write = client_write,
    .take_fd = client_take_fd,
    .accept_input = client_accept_input,
};

static void cmd_capabilities(JsonObject *args, JsonNode **ret, Error **errp)
{
    if (!monitor_qmp_enter_command_mode(monitor_cur(), false)) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, command ignored");
        return;
    }
    *ret = json_node_init_object(json_node_alloc(), json_object_new());
}

static void cmd_ping(JsonObject *args, JsonNode **ret, Error **errp)
{
    *ret = json_node_init_string(json_node_alloc(), "pong");
}

static int taken_fd = -2;

static void cmd_takefd(JsonObject *args, JsonNode **ret, Error **errp)
{
    taken_fd = monitor_take_fd(monitor_cur());
    *ret = json_node_init_int(json_node_alloc(), taken_fd);
}

/* A command that answers later, when the test says so. */
static QmpDeferred *waiting;

static void cmd_wait(JsonObject *args, JsonNode **ret, Error **errp)
{
    waiting = qmp_defer_reply();
}

/* Feeds TEXT and returns (and forgets) everything the monitor wrote. */
static char *exchange(Monitor *mon, Client *c, const char *text)
{
    g_string_truncate(c->out, 0);
    monitor_qmp_input(mon, text, strlen(text));
    return g_strdup(c->out->str);
}

/* OUT must be one "\r\n"-terminated line holding the same JSON as WANT
 * (member order is free). */
static void assert_line(const char *out, const char *want)
{
    g_autoptr(JsonNode) got = NULL;
    g_autoptr(JsonNode) expect = json_from_string(want, NULL);

    g_assert_true(g_str_has_suffix(out, "\r\n"));
    g_assert_true(strchr(out, '\n') == out + strlen(out) - 1);
    got = json_from_string(out, NULL);
    if (!got || !json_node_equal(got, expect)) {
        g_error("got '%s', want '%s'", out, want);
    }
}

static Monitor *new_session(Client *c)
{
    Monitor *mon = monitor_qmp_new(&client_transport, c);

    c->out = g_string_new("");
    g_queue_init(&c->fds);
    monitor_qmp_connected(mon);
    return mon;
}

static void test_greeting_and_negotiation(void)
{
    Client c;
    Monitor *mon = new_session(&c);
    g_autofree char *out = NULL;

    g_assert_true(g_str_has_prefix(c.out->str, "{\"QMP\": {\"version\": {\"qemu\": "));
    g_assert_true(g_str_has_suffix(c.out->str, "\"capabilities\": [\"oob\"]}}\r\n"));

    out = exchange(mon, &c, "{\"execute\": \"ping\", \"id\": 1}");
    assert_line(out, "{\"id\":1,\"error\":{\"class\":\"CommandNotFound\","
                "\"desc\":\"Expecting capabilities negotiation with "
                "'qmp_capabilities'\"}}");
    g_free(out);
    out = exchange(mon, &c, "{\"execute\": \"qmp_capabilities\"}");
    assert_line(out, "{\"return\":{}}");
    g_free(out);
    out = exchange(mon, &c, "{\"execute\": \"ping\", \"id\": \"abc\"}");
    assert_line(out, "{\"id\":\"abc\",\"return\":\"pong\"}");
    g_free(out);
    out = exchange(mon, &c, "{\"execute\": \"qmp_capabilities\"}");
    g_assert_nonnull(strstr(out, "already complete"));
    g_free(out);
    out = exchange(mon, &c, "{\"execute\": \"nosuch\"}");
    assert_line(out, "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":"
                "\"The command nosuch has not been found\"}}");
    g_free(out);

    /* A new connection starts over. */
    monitor_qmp_disconnected(mon);
    monitor_qmp_connected(mon);
    g_free(exchange(mon, &c, ""));
    out = exchange(mon, &c, "{\"execute\": \"ping\"}");
    g_assert_nonnull(strstr(out, "Expecting capabilities negotiation"));
    monitor_qmp_free(mon);
    g_string_free(c.out, TRUE);
}

static void test_malformed_then_working(void)
{
    static const char *const bad[] = {
        "{]", "]", "[1,]", "{\"a\" 1}", "\"\\xc0\\x80\"", "\x01",
        "{\"execute\": \"ping\", \"bogus\": 1}", "[\"execute\"]", "42",
        "{\"execute\": 1}", "{\"arguments\": {}}", "\xff",
    };
    Client c;
    Monitor *mon = new_session(&c);

    g_free(exchange(mon, &c, "{\"execute\": \"qmp_capabilities\"}"));
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *out = exchange(mon, &c, bad[i]);
        g_autofree char *next = NULL;
        /* Bare scalars wait for a delimiter: the next message gives it. */
        next = exchange(mon, &c, " {\"execute\": \"ping\", \"id\": 7}\n");
        if (!strstr(out, "\"error\"")) {
            g_assert_nonnull(strstr(next, "\"error\""));
        }
        if (!strstr(next, "\"return\":\"pong\"") || !strstr(next, "\"id\":7")) {
            g_error("after %s: got '%s' then '%s'", bad[i], out, next);
        }
    }
    monitor_qmp_free(mon);
    g_string_free(c.out, TRUE);
}

static void test_split_and_batched(void)
{
    const char *msg = "{\"execute\": \"ping\", \"id\": 2}";
    Client c;
    Monitor *mon = new_session(&c);
    g_autofree char *two = NULL;

    g_free(exchange(mon, &c, "{\"execute\": \"qmp_capabilities\"}"));
    g_string_truncate(c.out, 0);
    for (size_t i = 0; msg[i]; i++) {
        monitor_qmp_input(mon, msg + i, 1);
    }
    assert_line(c.out->str, "{\"id\":2,\"return\":\"pong\"}");
    two = exchange(mon, &c, "{\"execute\":\"ping\"}{\"execute\":\"ping\"}");
    g_assert_cmpstr(two, ==, "{\"return\":\"pong\"}\r\n{\"return\":\"pong\"}\r\n");
    monitor_qmp_free(mon);
    g_string_free(c.out, TRUE);
}

static void test_fd_and_events(void)
{
    Client a, b;
    Monitor *ma = new_session(&a);
    Monitor *mb = new_session(&b);
    int fd = dup(0);

    monitor_install_event_emitter();
    g_free(exchange(ma, &a, "{\"execute\": \"qmp_capabilities\"}"));
    g_queue_push_tail(&a.fds, GINT_TO_POINTER(fd));
    g_free(exchange(ma, &a, "{\"execute\": \"takefd\"}"));
    g_assert_cmpint(taken_fd, ==, fd);
    close(fd);

    /* Only negotiated monitors get events. */
    g_string_truncate(a.out, 0);
    g_string_truncate(b.out, 0);
    qapi_event_send_stop();
    g_assert_true(g_str_has_prefix(a.out->str, "{\"event\":\"STOP\""));
    g_assert_nonnull(strstr(a.out->str, "\"timestamp\":{\"seconds\":"));
    g_assert_cmpstr(b.out->str, ==, "");
    monitor_qmp_free(ma);
    monitor_qmp_free(mb);
    g_string_free(a.out, TRUE);
    g_string_free(b.out, TRUE);
}

/*
 * While a reply is deferred, the monitor keeps the client's later requests
 * in order, but only so many: then it asks its transport to stop reading,
 * and to read on once they have been answered.
 */
static void test_deferred_reply_holds_input(void)
{
    Client c = { 0 };
    Monitor *mon = new_session(&c);
    g_autofree char *out = NULL;
    unsigned kept = 0;

    g_free(exchange(mon, &c, "{\"execute\": \"qmp_capabilities\"}"));
    out = exchange(mon, &c, "{\"execute\": \"wait\", \"id\": 0}");
    g_assert_cmpstr(out, ==, "");
    g_assert_nonnull(waiting);
    while (monitor_qmp_can_read(mon)) {
        g_autofree char *ping = g_strdup_printf(
            "{\"execute\": \"ping\", \"id\": %u}", ++kept);
        g_free(exchange(mon, &c, ping));
        g_assert_cmpstr(c.out->str, ==, "");
        g_assert_cmpuint(kept, <, 100);
    }
    g_assert_cmpuint(kept, >, 1);

    qmp_deferred_return(waiting, json_node_init_string(json_node_alloc(),
                                                       "done"), NULL);
    waiting = NULL;
    assert_line(c.out->str, "{\"id\":0,\"return\":\"done\"}");
    g_string_truncate(c.out, 0);
    /* The pings wait for the main loop, then go in order. */
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    for (unsigned i = 1; i <= kept; i++) {
        g_autofree char *want = g_strdup_printf(
            "{\"id\":%u,\"return\":\"pong\"}", i);
        g_autofree char *line = g_strdup(c.out->str);
        char *end = strchr(line, '\n');

        g_assert_nonnull(end);
        end[1] = '\0';
        assert_line(line, want);
        g_string_erase(c.out, 0, end + 1 - line);
    }
    g_assert_cmpstr(c.out->str, ==, "");
    g_assert_true(monitor_qmp_can_read(mon));
    g_assert_cmpuint(c.resumed, ==, 1);
    monitor_qmp_free(mon);
    g_string_free(c.out, TRUE);
}

int main(int argc, char **argv)
{
    QmpCommandList *cmds = qmp_command_list_new();

    g_test_init(&argc, &argv, NULL);
    qmp_register_command(cmds, "qmp_capabilities", cmd_capabilities,
                         QCO_ALLOW_PRECONFIG, 0);
    qmp_register_command(cmds, "ping", cmd_ping, QCO_NO_OPTIONS, 0);
    qmp_register_command(cmds, "takefd", cmd_takefd, QCO_NO_OPTIONS, 0);
    qmp_register_command(cmds, "wait", cmd_wait, QCO_COROUTINE, 0);
    monitor_set_commands(cmds);
    g_test_add_func("/qmp/greeting-and-negotiation", test_greeting_and_negotiation);
    g_test_add_func("/qmp/malformed-then-working", test_malformed_then_working);
    g_test_add_func("/qmp/split-and-batched", test_split_and_batched);
    g_test_add_func("/qmp/fd-and-events", test_fd_and_events);
    g_test_add_func("/qmp/deferred-reply-holds-input",
                    test_deferred_reply_holds_input);
    return g_test_run();
}
