/*
 * The command line's network options as typed values: what -nic and
 * -net nic turn into (net_nic_netdev(), net_netdev_from_keyval()), with
 * values that contain commas passed through as parsed, never re-escaped.
 */
#include <glib.h>
#include <string.h>

#include "net/net.h"
#include "qapi/qapi-types.h"
#include "util/keyval.h"

/* What system/vl-devices.c does with "-nic ARG". */
static Netdev *nic_netdev(const char *arg, const char *id, Error **errp)
{
    JsonNode *args = keyval_parse(arg, "type", NULL, &error_abort);
    Netdev *nd = net_nic_netdev(args, id, errp);

    json_node_unref(args);
    return nd;
}

static Netdev *net_netdev(const char *arg, Error **errp)
{
    JsonNode *args = keyval_parse(arg, "type", NULL, &error_abort);
    Netdev *nd = net_netdev_from_keyval(args, errp);

    json_node_unref(args);
    return nd;
}

static void test_nic_user_hostfwd(void)
{
    Netdev *nd = nic_netdev("user,model=virtio,mac=52:54:00:12:34:57,"
                            "id=ignored,hostfwd=tcp::2222-:22,"
                            "hostfwd=tcp:127.0.0.1:8080-:80",
                            "__org.qemu.nic0", &error_abort);
    StringList *l;

    g_assert_cmpint(nd->type, ==, NET_CLIENT_DRIVER_USER);
    g_assert_cmpstr(nd->id, ==, "__org.qemu.nic0");
    l = nd->u.user.hostfwd;
    g_assert_cmpstr(l->value->str, ==, "tcp::2222-:22");
    g_assert_cmpstr(l->next->value->str, ==, "tcp:127.0.0.1:8080-:80");
    g_assert_null(l->next->next);
    qapi_free_Netdev(nd);
}

static void test_nic_values_with_commas(void)
{
    Netdev *nd = nic_netdev("tap,script=/etc/a,,b,model=virtio-net-pci,"
                            "downscript=no", "__org.qemu.nic1",
                            &error_abort);

    g_assert_cmpint(nd->type, ==, NET_CLIENT_DRIVER_TAP);
    g_assert_cmpstr(nd->u.tap.script, ==, "/etc/a,b");
    g_assert_cmpstr(nd->u.tap.downscript, ==, "no");
    qapi_free_Netdev(nd);

    nd = nic_netdev("bridge,helper=/usr/h --br=x,,y,br=br0",
                    "__org.qemu.nic2", &error_abort);
    g_assert_cmpint(nd->type, ==, NET_CLIENT_DRIVER_BRIDGE);
    g_assert_cmpstr(nd->u.bridge.helper, ==, "/usr/h --br=x,y");
    g_assert_cmpstr(nd->u.bridge.br, ==, "br0");
    qapi_free_Netdev(nd);

    /* the hostfwd rule keeps its comma too */
    nd = nic_netdev("user,hostfwd=tcp::1-:2,,x", "n", &error_abort);
    g_assert_cmpstr(nd->u.user.hostfwd->value->str, ==, "tcp::1-:2,x");
    qapi_free_Netdev(nd);
}

static void test_nic_errors(void)
{
    Error *err = NULL;

    g_assert_null(nic_netdev("user,bogus=1,model=virtio", "n", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'bogus'");
    error_free(err);
    err = NULL;
    g_assert_null(nic_netdev("model=virtio", "n", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Parameter 'type' is missing");
    error_free(err);
}

static void test_net_nic(void)
{
    Netdev *nd = net_netdev("nic,id=n1,model=virtio,macaddr=52:54:00:aa:bb:cc,"
                            "netdev=hn0", &error_abort);

    g_assert_cmpint(nd->type, ==, NET_CLIENT_DRIVER_NIC);
    g_assert_cmpstr(nd->id, ==, "n1");
    g_assert_cmpstr(nd->u.nic.model, ==, "virtio");
    g_assert_cmpstr(nd->u.nic.macaddr, ==, "52:54:00:aa:bb:cc");
    g_assert_cmpstr(nd->u.nic.netdev, ==, "hn0");
    qapi_free_Netdev(nd);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/netdev-cli/nic/user-hostfwd", test_nic_user_hostfwd);
    g_test_add_func("/netdev-cli/nic/commas", test_nic_values_with_commas);
    g_test_add_func("/netdev-cli/nic/errors", test_nic_errors);
    g_test_add_func("/netdev-cli/net-nic", test_net_nic);
    return g_test_run();
}
